"""Demo boards, a few warm threads between the demo pseudonyms, support reactions, a closed circle, "about me"
texts, an edited post and a post the consultant has hidden. Called by `manage.py demo_data`.

Idempotent: boards are matched by slug, threads by board, title and author, the circle by name and maker; an
existing thread or circle is left as it is, reactions and profiles are set to the same state again.
Everything is written through forum.services, so counters, notifications and audit rows are as in real use.
"""

from django.db import transaction

from forum import services
from forum.models import Board, Circle, Thread

BOARDS = [
    ("hverdagen", 10, "Hverdagen", "Everyday life",
     "Små og store ting fra dagene våre.", "Small and big things from our days."),
    ("bedring", 20, "Bedringshistorier", "Recovery stories",
     "Hva har hjulpet deg? Del det du vil.", "What has helped you? Share what you like."),
    ("kafe", 30, "Kafékroken", "Café corner",
     "Før og etter kafeene: avtal å gå sammen, si hva du gleder deg til.",
     "Before and after the cafés: walk there together, say what you look forward to."),
    ("ovelser", 40, "Øvelser fra likepersonen", "Exercises from the consultant",
     "Refleksjoner å tenke på før neste kafé.", "Things to reflect on before the next café."),
]

# (board slug, author pseudonym, title, first post, local to the author's community, pinned, replies)
THREADS = [
    ("ovelser", "Maren-consultant", "Ukens refleksjon: hva ga deg litt energi denne uken?",
     "Det trenger ikke være stort. En kopp kaffe i sola, en samtale, en sang. Skriv gjerne én ting, "
     "så tar vi det med oss til kafeen.", False, True,
     [("Teacup", "En tur langs elva med naboens hund. Han var så glad at jeg ble glad også."),
      ("Riverstone", "Jeg ryddet én skuff. Bare én. Men det føltes godt."),
      ("Maren-consultant", "Takk, begge to. Én skuff er en god start,, og det er en hund også.")]),
    ("hverdagen", "Cloudberry", "Små ting som hjelper på en grå dag",
     "Jeg har hatt en tung uke. Det som hjelper litt er å lage en **ordentlig frokost** og å åpne vinduet. "
     "Hva gjør dere?", False, False,
     [("Willow", "For me it is music. One song, loud, and then I can start the day."),
      ("Teacup", "Jeg skriver tre ting jeg er takknemlig for. Noen dager er det bare *kaffe*, *dyne* og *katten*."),
      ("Maren-consultant", "Så fint at dere deler dette. Tunge uker går over, og det er godt å høre hva "
                           "som hjelper. Cloudberry: åpent vindu og god frokost er et godt råd.")]),
    ("bedring", "Willow", "A year ago I could not leave the flat",
     "Today I took the bus to the library on my own. A year ago I would not have believed it.\n\n"
     "What helped me:\n\n- small steps, written down\n- someone to text when it got hard\n"
     "- this forum, honestly", False, False,
     [("Snowfinch", "This made my morning. Thank you for writing it down."),
      ("Riverstone", "Small steps, written down. I am going to try that."),
      ("Maren-consultant", "Congratulations, Willow. The bus and the library: that is a real step.")]),
    ("hverdagen", "Riverstone", "Legetimen gikk bedre enn jeg gruet meg til",
     "Jeg har gruet meg i flere uker. I dag sa jeg endelig det jeg ville si.", False, False,
     [("Lantern", "Så bra! Jeg har time hos Ola Nordmann på legekontoret i Storgata 5 neste uke, han er helt "
                  "umulig å snakke med."),
      ("Teacup", "Godt jobbet, Riverstone. Skrev du ned på forhånd hva du ville si?"),
      ("Maren-consultant", "Så fint å lese, Riverstone. Å si det man har gruet seg til er modig.")]),
    ("kafe", "Snowfinch", "Anyone walking together to the café on Thursday?",
     "I get nervous walking in alone. Would anyone like to meet outside ten minutes before?", True, False,
     [("Cloudberry", "Ja! Jeg kan møte deg der. Ti på?"),
      ("Lantern", "Jeg blir med, hvis det er greit. Første gang for meg.")]),
]

# After a thread above is made: (title, post number, new text), an author's edit, so "Edited" shows and the
# consultant can read the earlier version.
EDITS = [
    ("Legetimen gikk bedre enn jeg gruet meg til", 1,
     "Jeg har gruet meg i flere uker. I dag sa jeg endelig det jeg ville si, og legen lyttet.\n\n"
     "Det som hjalp: jeg skrev ned tre setninger på en lapp og tok den med."),
]
# (title, post number, reason): a post the consultant hides; its author still sees it, with the reason.
# After a thread above is made: (title, post number, reporter, reason, note), a member's report, so the
# consultant's queue has something in it.
REPORTS = [
    ("Små ting som hjelper på en grå dag", 1, "Teacup", "worried",
     "Cloudberry skriver om en tung uke. Kanskje noen kan høre hvordan det går?"),
]

HIDDEN = [
    ("Legetimen gikk bedre enn jeg gruet meg til", 2,
     "Innlegget nevner en lege med fullt navn og en adresse. Jeg har skjult det for å verne både deg og legen. "
     "Skriv gjerne igjen uten navn og sted."),
]
# (title, post number, who, kind): support reactions on several posts.
REACTIONS = [
    ("A year ago I could not leave the flat", 1, "Snowfinch", "thanks"),
    ("A year ago I could not leave the flat", 1, "Teacup", "hug"),
    ("A year ago I could not leave the flat", 1, "Riverstone", "me_too"),
    ("A year ago I could not leave the flat", 1, "Cloudberry", "thanks"),
    ("Små ting som hjelper på en grå dag", 1, "Teacup", "hug"),
    ("Små ting som hjelper på en grå dag", 1, "Willow", "me_too"),
    ("Små ting som hjelper på en grå dag", 3, "Cloudberry", "thanks"),
    ("Ukens refleksjon: hva ga deg litt energi denne uken?", 2, "Riverstone", "thanks"),
    ("Ukens refleksjon: hva ga deg litt energi denne uken?", 3, "Teacup", "me_too"),
    ("Anyone walking together to the café on Thursday?", 1, "Lantern", "me_too"),
    ("Legetimen gikk bedre enn jeg gruet meg til", 1, "Teacup", "hug"),
    ("Legetimen gikk bedre enn jeg gruet meg til", 1, "Willow", "thanks"),
]
# What a few members show on their profile: (pseudonym, about me, show community).
PROFILES = [
    ("Cloudberry", "Jeg liker lange turer, strikking og kaffe på kafeen. Snakk gjerne til meg der.", True),
    ("Willow", "Learning to take the bus again, one stop at a time. Music and libraries help me.", False),
    ("Teacup", "Te, bøker og katten min. Jeg skriver mest om små ting som hjelper.", False),
    ("Maren-consultant", "Jeg er erfaringskonsulent i ReConnect. Jeg leser alt som skrives her og svarer så "
                         "godt jeg kan. Forumet er ikke for nødsituasjoner: ring 113 om det haster.", False),
]
# A closed circle of three who have met at the café in Nordvik: its maker, who accepted, and one thread.
CIRCLE = {
    "name": "Turgruppa i Nordvik",
    "description": "For oss som har møtt hverandre på kafeen og vil gå tur sammen.",
    "creator": "Snowfinch",
    "members": ["Cloudberry", "Lantern"],
    "thread": ("Snowfinch", "Tur langs elva lørdag?",
               "Skal vi gå fra biblioteket klokka elleve? Jeg tar med termos.",
               [("Cloudberry", "Ja! Jeg tar med boller."), ("Lantern", "Jeg blir med, men må gå litt tidlig.")]),
}


def _post(threads, title, number):
    return threads[title].posts.get(number=number)


def _load_circle(users):
    creator = users[CIRCLE["creator"]]
    if Circle.objects.filter(name=CIRCLE["name"], created_by=creator).exists():
        return
    circle = services.create_circle(creator=creator, name=CIRCLE["name"], description=CIRCLE["description"])
    for pseudonym in CIRCLE["members"]:
        invitation = services.invite_to_circle(circle=circle, inviter=creator, pseudonym=pseudonym)
        services.accept_invitation(invitation=invitation, invitee=users[pseudonym])
    author, title, body, replies = CIRCLE["thread"]
    thread = services.start_thread(circle=circle, author=users[author], title=title, body=body)
    for reply_author, reply_body in replies:
        services.post_reply(thread=thread, author=users[reply_author], body=reply_body)


def load_demo(*, users_by_pseudonym) -> None:
    """Create the demo boards and threads (once); replies notify the demo people who follow a thread."""
    with transaction.atomic():
        boards = {}
        for slug, position, name_nb, name_en, description_nb, description_en in BOARDS:
            boards[slug], _ = Board.objects.update_or_create(slug=slug, defaults={
                "position": position, "name_nb": name_nb, "name_en": name_en,
                "description_nb": description_nb, "description_en": description_en, "is_active": True,
            })
        users = users_by_pseudonym
        threads, made = {}, set()
        for slug, author_name, title, body, local, pinned, replies in THREADS:
            author = users[author_name]
            threads[title] = Thread.objects.filter(board=boards[slug], title=title, author=author).first()
            if threads[title] is not None:
                continue
            thread = threads[title] = services.start_thread(
                board=boards[slug], author=author, title=title, body=body,
                community=author.community if local else None,
            )
            made.add(title)
            if pinned:
                Thread.objects.filter(pk=thread.pk).update(is_pinned=True)
            for reply_author, reply_body in replies:
                services.post_reply(thread=thread, author=users[reply_author], body=reply_body)
        # Edits and hiding happen once, to threads made just now: a second run must not add earlier versions
        # or audit rows (and a demo someone has since changed by hand is left as it is).
        for title, number, body in EDITS:
            if title in made:
                post = _post(threads, title, number)
                services.edit_post(post=post, editor=post.author, body=body)
        moderator = users["Maren-consultant"]
        for title, number, reason in HIDDEN:
            if title in made:
                services.hide_post(post=_post(threads, title, number), moderator=moderator, reason=reason)
        for title, number, reporter, reason, note in REPORTS:
            if title in made:
                services.report_post(post=_post(threads, title, number), reporter=users[reporter], reason=reason,
                                     note=note)
        for title, number, pseudonym, kind in REACTIONS:
            post = _post(threads, title, number)
            if not (post.is_deleted or post.is_hidden):
                services.toggle_reaction(post=post, user=users[pseudonym], kind=kind, on=True)
        for pseudonym, about_me, show_community in PROFILES:
            services.update_member_profile(user=users[pseudonym], about_me=about_me, show_community=show_community)
        _load_circle(users)
