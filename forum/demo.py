"""Demo boards and a few warm threads between the demo pseudonyms. Called by `manage.py demo_data`.

Idempotent: boards are matched by slug, threads by board, title and author; an existing thread is left as
it is. Everything is written through forum.services, so counters and notifications are as in real use.
"""

from django.db import transaction

from forum import services
from forum.models import Board, Thread

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
    ("kafe", "Snowfinch", "Anyone walking together to the café on Thursday?",
     "I get nervous walking in alone. Would anyone like to meet outside ten minutes before?", True, False,
     [("Cloudberry", "Ja! Jeg kan møte deg der. Ti på?"),
      ("Lantern", "Jeg blir med, hvis det er greit. Første gang for meg.")]),
]


def load_demo(*, users_by_pseudonym) -> None:
    """Create the demo boards and threads (once); replies notify the demo people who follow a thread."""
    with transaction.atomic():
        boards = {}
        for slug, position, name_nb, name_en, description_nb, description_en in BOARDS:
            boards[slug], _ = Board.objects.update_or_create(slug=slug, defaults={
                "position": position, "name_nb": name_nb, "name_en": name_en,
                "description_nb": description_nb, "description_en": description_en, "is_active": True,
            })
        for slug, author_name, title, body, local, pinned, replies in THREADS:
            author = users_by_pseudonym[author_name]
            if Thread.objects.filter(board=boards[slug], title=title, author=author).exists():
                continue
            thread = services.start_thread(
                board=boards[slug], author=author, title=title, body=body,
                community=author.community if local else None,
            )
            if pinned:
                Thread.objects.filter(pk=thread.pk).update(is_pinned=True)
            for reply_author, reply_body in replies:
                services.post_reply(thread=thread, author=users_by_pseudonym[reply_author], body=reply_body)
