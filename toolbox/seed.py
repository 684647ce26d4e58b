"""The toolbox's part of `manage.py seed`: for every service user a crisis plan with contacts, goals with steps
and a week of activities, a network map of four people and two medicines; a few published exercises, and a
reflection on one of them from about a third of the people. Most share their crisis plan and goals with their
first provider, some their network map and medication overview too.

The free text is encrypted at rest: each distinct text is encrypted once and the rows go in with COPY as
ciphertext (see messaging/seed.py for why that is fine for a benchmark).
"""

from datetime import timedelta

from reconnect.fields import encrypt_text
from reconnect.seeding import copy_rows, reserve_ids, run_sql
from toolbox.models import (
    Activity, CrisisContact, CrisisPlan, Exercise, ExerciseCategory, ExerciseQuestion, Goal, GoalBook, LifeDomain,
    Medication, MedicationList, Module, NetworkMap, NetworkPerson, Reflection, ReflectionAnswer, ReflectionBook,
    Share,
)

PLAN_TEXTS = {
    "warning_signs": ["I stop answering the phone.", "I sleep in the daytime and lie awake at night.",
                      "Jeg trekker meg unna folk.", "I stop eating properly."],
    "coping_on_my_own": ["A walk, even a short one.", "A hot shower and music.", "Skrive ned tre ting jeg klarte."],
    "distractions": ["The library café.", "My sister's kitchen.", "ReConnect-kafeen."],
    "safer_surroundings": ["Ask my sister to keep my extra medicine.", "Fjerne det jeg ikke trenger."],
    "reasons_for_living": ["My children.", "The dog.", "Seeing the northern lights again.", "Barnebarna mine."],
}
CONTACTS = [("My sister", "+47 912 34 567"), ("A friend from the café", "934 56 789"), ("Legevakten", "116 117")]
GOALS = ["Walk three times a week", "Go to the ReConnect café", "Cook dinner twice a week",
         "Sove før midnatt", "Ringe en venn hver uke", "Apply for work training"]
STEPS = "Put my shoes by the door\nWalk to the kiosk and back\nWalk the whole harbour"
ACTIVITIES = ["Walk to the kiosk", "Coffee with a friend", "Dinner at my sister's", "Tur i skogen", "Library"]
NETWORK = [("Mum", "family"), ("Kari", "friend"), ("The neighbour", "neighbour"), ("Ola from the café", "peer"),
           ("My GP", "professional"), ("Søster", "family")]
MEDICINES = [("Sertralin", "sertraline", "50 mg", "tablet", "Every morning", "Low mood"),
             ("Quetiapin", "quetiapine", "25 mg", "tablet", "At night, when needed", "Sleep"),
             ("Lithium", "lithium carbonate", "300 mg", "tablet", "Morning and evening", "Keeping my mood steady")]
EXERCISES = [
    ("mindfulness", "Pust med magen", "Breathing with your belly",
     ["Hva la du merke til?", "When might this help you?"]),
    ("coping", "Tre gode ting", "Three good things", ["What went well today?", "Why did it go well?"]),
    ("sleep", "Det som betyr noe", "What matters to me", ["What matters most to you this month?"]),
]
REFLECTION_TEXTS = ["It helped a little.", "I will try it again tomorrow.", "Det var rart, men fint."]


def seed(ctx):
    rng, now = ctx.rng, ctx.now
    users = [user_id for user_id, _c in ctx.service_users]
    if not users:
        return
    enc = {name: [encrypt_text(t) for t in texts] for name, texts in PLAN_TEXTS.items()}
    contacts = [(encrypt_text(name), encrypt_text(phone)) for name, phone in CONTACTS]
    goal_titles = [encrypt_text(t) for t in GOALS]
    why, steps, blank_note = encrypt_text("It matters to me."), encrypt_text(STEPS), ""
    activity_titles = [encrypt_text(t) for t in ACTIVITIES]
    done_note = encrypt_text("It went fine.")
    domains = [value for value, _label in LifeDomain.choices]

    first_plan = reserve_ids(CrisisPlan, len(users))
    first_goal = reserve_ids(Goal, 2 * len(users))
    plans, plan_contacts, books, goals, activities, shares = [], [], [], [], [], []
    monday = (now - timedelta(days=now.weekday())).replace(hour=10, minute=0, second=0, microsecond=0)
    for i, user_id in enumerate(users):
        plan_id = first_plan + i
        plans.append((plan_id, user_id, *(rng.choice(enc[name]) for name in PLAN_TEXTS),
                      now - timedelta(days=rng.randrange(300)), now - timedelta(days=rng.randrange(30)), None))
        for position, (name, phone) in enumerate(rng.sample(contacts, 2)):
            plan_contacts.append((plan_id, 4 if position == 0 else 5, position, name, phone))
        books.append((user_id,))
        for g in range(2):
            goals.append((first_goal + 2 * i + g, user_id, rng.choice(domains), rng.choice(goal_titles), why, steps,
                          rng.choice(["not_started", "under_way", "under_way", "reached"]), None, now, now))
        for day in rng.sample(range(7), 3):
            starts = monday + timedelta(days=day, hours=rng.randrange(9))
            goal = first_goal + 2 * i if rng.random() < 0.5 else None
            done = starts if starts < now and rng.random() < 0.6 else None
            activities.append((user_id, goal, rng.choice(activity_titles), starts, None, None, False, done,
                               done_note if done else blank_note, now))
        provider = ctx.providers_of.get(user_id, [None])[0]
        if provider is not None and rng.random() < 0.6:
            shares.append((user_id, provider, Module.CRISIS_PLAN.value, now))
            if rng.random() < 0.7:
                shares.append((user_id, provider, Module.GOALS.value, now))

    networks, people_rows, medication_lists, medicines = [], [], [], []
    names = [(encrypt_text(name), relation) for name, relation in NETWORK]
    medicine_rows = [tuple(encrypt_text(value) for value in medicine) for medicine in MEDICINES]
    for i, user_id in enumerate(users):
        networks.append((user_id,))
        for circle, (name, relation) in enumerate(rng.sample(names, 4)):
            people_rows.append((user_id, name, relation, min(circle + 1, 3), blank_note, now))
        medication_lists.append((user_id,))
        for medicine in rng.sample(medicine_rows, 2):
            medicines.append((user_id, *medicine, (now - timedelta(days=rng.randrange(30, 900))).date(), now, now))
        provider = ctx.providers_of.get(user_id, [None])[0]
        if provider is not None and rng.random() < 0.3:
            shares.append((user_id, provider, Module.NETWORK.value, now))
            shares.append((user_id, provider, Module.MEDICATION.value, now))

    bar = ctx.progress("toolbox", len(users))
    copy_rows(CrisisPlan, ["id", "owner_id", *PLAN_TEXTS, "created_at", "updated_at", "review_reminded_at"], plans)
    copy_rows(CrisisContact, ["plan_id", "step", "position", "name", "phone"], plan_contacts)
    copy_rows(GoalBook, ["owner_id"], books)
    copy_rows(Goal, ["id", "owner_id", "domain", "title", "why", "steps", "status", "target_date", "created_at",
                     "updated_at"], goals)
    copy_rows(Activity, ["owner_id", "goal_id", "title", "starts_at", "ends_at", "remind_at", "remind_by_email",
                         "done_at", "note", "created_at"], activities)
    copy_rows(Share, ["owner_id", "provider_id", "module", "granted_at"], shares)
    copy_rows(NetworkMap, ["owner_id"], networks)
    copy_rows(NetworkPerson, ["owner_id", "name", "relation", "circle", "notes", "created_at"], people_rows)
    copy_rows(MedicationList, ["owner_id"], medication_lists)
    copy_rows(Medication, ["owner_id", "trade_name", "active_ingredient", "strength", "form", "schedule", "purpose",
                           "started_on", "created_at", "updated_at"], medicines)
    _seed_exercises(ctx, users)
    bar.add(len(users))
    bar.close()
    run_sql("ANALYZE toolbox_crisisplan; ANALYZE toolbox_goal; ANALYZE toolbox_activity; ANALYZE toolbox_share; "
            "ANALYZE toolbox_networkperson; ANALYZE toolbox_medication; ANALYZE toolbox_reflection")


def _seed_exercises(ctx, users):
    """A few published exercises written by the consultant; about a third of the people reflect on one."""
    rng, now = ctx.rng, ctx.now
    author = ctx.consultant_ids[0] if ctx.consultant_ids else None
    exercises = []
    for category, title_nb, title_en, questions in EXERCISES:
        exercise = Exercise.objects.create(
            category=ExerciseCategory(category), published=True, title_nb=title_nb,
            title_en=title_en, intro_en=f"{title_en}: a few quiet minutes.", body_en=f"{title_en}. Take your time.",
            written_by_id=author, created_at=now, updated_at=now)
        made = ExerciseQuestion.objects.bulk_create([ExerciseQuestion(exercise=exercise, position=i, text_en=text)
                                                     for i, text in enumerate(questions)])
        exercises.append((exercise, made))
    texts = [encrypt_text(text) for text in REFLECTION_TEXTS]
    reflecting = [user_id for user_id in users if rng.random() < 0.35]
    first = reserve_ids(Reflection, len(reflecting))
    books, reflections, answers = [], [], []
    for i, user_id in enumerate(reflecting):
        exercise, questions = rng.choice(exercises)
        books.append((user_id,))
        reflections.append((first + i, user_id, exercise.pk, rng.choice(texts), now, now))
        answers += [(first + i, q.pk, q.position, q.text_en, rng.choice(texts)) for q in questions]
    copy_rows(ReflectionBook, ["owner_id"], books)
    copy_rows(Reflection, ["id", "owner_id", "exercise_id", "text", "created_at", "updated_at"], reflections)
    copy_rows(ReflectionAnswer, ["reflection_id", "question_id", "position", "question_text", "answer"], answers)
