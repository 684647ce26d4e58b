"""Publish version 1 of the terms every person accepts before using the portal.

The text is kept here as it was published: a later version is a new row in a new migration (or made in the
admin), never an edit of this one, so that what each person accepted stays on record.
"""

from django.db import migrations

SUMMARY_EN = (
    "The first terms: ReConnect is not an emergency service, how we protect each other's anonymity, "
    "what providers and the consultant can see, and your rights."
)
SUMMARY_NB = (
    "De første vilkårene: ReConnect er ikke en akuttjeneste, hvordan vi verner om hverandres anonymitet, "
    "hva behandlere og erfaringskonsulenten kan se, og dine rettigheter."
)

TEXT_EN = """\
Welcome to ReConnect. Before you start, please read these few pages. They explain what ReConnect is, how we look after each other here, and who can see what. Take the time you need.

1. ReConnect is not an emergency service

Nobody watches the portal around the clock. A message or a post can go unread for hours or days.

If you or someone else is in danger, or you need help right away:
- call 113 for an emergency (ambulance);
- call 116 117 for the out-of-hours doctor (legevakt);
- call a helpline, such as Mental Helse on 116 123, if you need someone to talk to;
- follow your own crisis plan, if you have one. You find it in your toolbox, one click from every page.

2. Protecting your own and others' anonymity

In the forum and at the cafés you are known by your pseudonym. Other members never see your real name or your e-mail address.

Small details can tell people more than you think. The name of a shop, the weather today, a street, a job or a family event can be pieced together, especially once people have met face to face at a café. Before you post, ask yourself whether a neighbour could recognise you, or someone else, from what you write.

A few things that help:
- use your pseudonym, and do not write your full name, address, phone number or e-mail;
- do not write anything that could identify another person, in the forum or at the café;
- what is said in the forum stays in the forum, and what is said at a café stays at the café;
- if you choose to tell someone who you are, that is your choice to make, never someone else's.

3. What your providers can and cannot see

Providers (the health workers in your care team) can see:
- the messages you exchange with them;
- the parts of your toolbox that you choose to share with them, for as long as you share them.

Providers cannot see:
- your forum identity, your posts or your café activity, unless you tell them yourself;
- the parts of your toolbox that you have not shared.

You decide what to share, with whom, and you can stop sharing at any time. Every time a provider looks at something you have shared, it is written down, and you can see who looked and when on the page "Who has seen my data".

4. What the service user consultant can see

The service user consultant is a peer with lived experience who is employed to support the forum and host the cafés. The consultant sees pseudonyms and what happens in the forum and at the cafés. The consultant never sees your real name, your toolbox or your messages with your providers.

5. Your rights

- You can download all the data you have in ReConnect, in a form a machine can read.
- You can delete your account. Your forum posts can stay, shown as from a former member, or you can ask for them to be removed too.
- You can see who has looked at the things you share.
- You can read these terms again at any time. When they change, we show you what is new and ask you again.

Thank you for taking care of yourself and of each other here.
"""

TEXT_NB = """\
Velkommen til ReConnect. Før du begynner, ber vi deg lese disse sidene. De forklarer hva ReConnect er, hvordan vi tar vare på hverandre her, og hvem som kan se hva. Ta den tiden du trenger.

1. ReConnect er ikke en akuttjeneste

Ingen følger med på portalen hele døgnet. En melding eller et innlegg kan bli liggende ulest i timer eller dager.

Hvis du eller noen andre er i fare, eller du trenger hjelp med en gang:
- ring 113 ved akutt fare (ambulanse);
- ring 116 117 for legevakt;
- ring en hjelpetelefon, for eksempel Mental Helse på 116 123, hvis du trenger noen å snakke med;
- følg din egen kriseplan, hvis du har en. Du finner den i verktøykassen din, ett klikk unna fra alle sider.

2. Å verne om din egen og andres anonymitet

I forumet og på kafeene er du kjent under kallenavnet ditt. Andre medlemmer ser aldri det ekte navnet ditt eller e-postadressen din.

Små detaljer kan fortelle mer enn du tror. Navnet på en butikk, været i dag, en gate, en jobb eller en familiebegivenhet kan settes sammen, særlig når folk har møttes ansikt til ansikt på en kafé. Før du skriver, kan du spørre deg selv om en nabo kunne kjent igjen deg, eller noen andre, ut fra det du skriver.

Noen ting som hjelper:
- bruk kallenavnet ditt, og skriv ikke fullt navn, adresse, telefonnummer eller e-post;
- skriv ikke noe som kan avsløre hvem en annen person er, verken i forumet eller på kafeen;
- det som blir sagt i forumet, blir i forumet, og det som blir sagt på en kafé, blir på kafeen;
- hvis du velger å fortelle noen hvem du er, er det ditt valg, aldri noen andres.

3. Hva behandlerne dine kan og ikke kan se

Behandlere (helsearbeiderne i teamet ditt) kan se:
- meldingene du utveksler med dem;
- de delene av verktøykassen som du velger å dele med dem, så lenge du deler dem.

Behandlere kan ikke se:
- hvem du er i forumet, innleggene dine eller hva du gjør på kafeene, med mindre du forteller det selv;
- de delene av verktøykassen som du ikke har delt.

Du bestemmer hva du deler, og med hvem, og du kan slutte å dele når som helst. Hver gang en behandler ser på noe du har delt, blir det skrevet ned, og du kan se hvem som så og når på siden «Hvem har sett dataene mine».

4. Hva erfaringskonsulenten kan se

Erfaringskonsulenten er en likeperson med egen erfaring som er ansatt for å støtte forumet og være vert på kafeene. Konsulenten ser kallenavn og det som skjer i forumet og på kafeene. Konsulenten ser aldri det ekte navnet ditt, verktøykassen din eller meldingene mellom deg og behandlerne dine.

5. Dine rettigheter

- Du kan laste ned alle dataene du har i ReConnect, i en form som en maskin kan lese.
- Du kan slette kontoen din. Forumsinnleggene dine kan bli stående, vist som fra et tidligere medlem, eller du kan be om at de også blir fjernet.
- Du kan se hvem som har sett på det du deler.
- Du kan lese disse vilkårene igjen når som helst. Når de endres, viser vi deg hva som er nytt, og spør deg på nytt.

Takk for at du tar vare på deg selv og hverandre her.
"""


def publish_first_terms(apps, schema_editor):
    ConsentVersion = apps.get_model("reconnect", "ConsentVersion")
    ConsentVersion.objects.get_or_create(
        version=1,
        defaults={"summary_en": SUMMARY_EN, "summary_nb": SUMMARY_NB, "text_en": TEXT_EN, "text_nb": TEXT_NB},
    )


class Migration(migrations.Migration):
    dependencies = [("reconnect", "0002_audit_trail_append_only")]

    # Going back leaves the row: acceptances point at it (PROTECT), and terms once published stay on record.
    operations = [migrations.RunPython(publish_first_terms, migrations.RunPython.noop)]
