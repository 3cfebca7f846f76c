"""A symptom with a what-should-I-do question goes to a nurse (addons/advice_guard.py)."""

from __future__ import annotations

import pytest

from addons.advice_guard import AdviceQuestionGuard, asks_for_advice
from tests.support.nlu_text import parsed_message


@pytest.mark.parametrize(
    "text",
    [
        # Answered with what to bring, when to arrive, or "not something I can help with".
        "my daughter has a fever of 101 should i bring her in",
        "should i bring my son in for his cough",
        "my bp is 160/100 what should i do",
        "how long should a fever last before i worry",
        "what should i do for my kids diarrhea",
        "my son has had a fever for 2 days, should i bring him in or wait",
        "ive had a bad headache for 3 days and my neck is stiff. is that serious?",
        "is it safe to give my son tylenol for his fever",
        # "didn't catch a date of birth", "did you want to question a charge?", or 911
        "also my bp was 170/95 this morning is that too high",
        # read as a booking
        "my dad fell and hit his head yesterday, does he need to be seen",
        "my mom is 80 and fell, she says shes fine but has a bump on her head, should she be seen",
        # whether to stop a medicine: when to arrive, or "most visits need no preparation"
        "should i stop taking my metformin before my blood test",
        "do i stop my blood thinner before the visit",
        "should i skip my insulin the morning of the lab",
        # the symptom itself asked about: a booking (1.0), the opening hours
        "is a fever of 101 bad for a 7 yr old?",
        "is 101 fever dangerous for kids",
        "is a 102 fever too high for my toddler",
        "is my sons cough serious",
    ],
)
def test_a_symptom_and_what_to_do_about_it(text: str) -> None:
    assert asks_for_advice(text)


@pytest.mark.parametrize(
    "text",
    [
        "should i bring my insurance card",
        "what should i bring to my physical",
        "how much is a sick visit for a sore throat",
        "should i come in for a flu shot",
        "is the flu clinic open saturday",
        "what should i do if i get a bill i can't pay",
        "i have a sore throat, when is the earliest appointment",
        "my son has a fever can we come in today",
        "is it ok to bring my son to my appointment, he's sick",
        "how long does a physical take",
        "how long does a sick visit take",
        "i fell behind on my bill, is that bad",
        "should i come in this fall for my flu shot",
        "what should i bring to my appointment on 10/24?",
        # the booking form reads this at "what kind of visit?" (a sick visit, no advice)
        "i dont know, what do you recommend for a rash that wont go away",
        "should i stop eating before my blood test",  # the fasting answer (visit_prep)
        "do i need to bring my meds",
        "can i get a refill of my meds",
        "i need to stop by to pick up my prescription",
        "is the flu shot dangerous for kids",
        "is parking bad on saturdays",
        "i had chest pain last year, is a checkup a good idea",
    ],
)
def test_no_symptom_or_no_question_is_left_alone(text: str) -> None:
    assert not asks_for_advice(text)


@pytest.mark.parametrize(
    ("read_as", "becomes"),
    [
        ("faq", "medical_advice"),
        ("book_appointment", "medical_advice"),
        ("out_of_scope", "medical_advice"),
        ("nlu_fallback", "medical_advice"),
        # a billing reading without a word of money
        ("billing_balance", "medical_advice"),
        ("billing_dispute", "medical_advice"),
        # the patient's own call about their appointment, and a sure safety guess
        ("cancel_appointment", "cancel_appointment"),
        ("emergency", "emergency"),
    ],
)
def test_which_readings_are_overruled(read_as: str, becomes: str) -> None:
    text = "my daughter has a fever of 101 should i bring her in"
    [result] = AdviceQuestionGuard().process([parsed_message(text, read_as, 0.8, "greet", 0.1)])
    assert result.get("intent")["name"] == becomes
    if becomes != read_as:
        assert result.get("intent")["confidence"] == 1.0
        assert [r["name"] for r in result.get("intent_ranking")] == [becomes]


def test_an_unsure_emergency_guess_with_a_question_goes_to_a_nurse() -> None:
    # "my bp was 170/95 this morning is that too high": an emergency at 0.6, no rule fired.
    text = "my bp was 170/95 this morning is that too high"
    [result] = AdviceQuestionGuard().process([parsed_message(text, "emergency", 0.6, "greet", 0.1)])
    assert result.get("intent") == {"name": "medical_advice", "confidence": 1.0}


def test_a_booking_worded_as_one_is_left_a_booking() -> None:
    text = "book a visit for my back pain, should i come in the morning or afternoon?"
    [result] = AdviceQuestionGuard().process(
        [parsed_message(text, "book_appointment", 0.9, "greet", 0.1)]
    )
    assert result.get("intent")["name"] == "book_appointment"


@pytest.mark.parametrize(
    ("text", "read_as", "becomes"),
    [
        # "what do i do" was read as "what do i owe": the family's balance was shown
        ("my kid has a fever its saturday what do i do", "billing_balance", "medical_advice"),
        ("i got a bill for my fever visit what do i do", "billing_balance", "billing_balance"),
        (
            "my son was charged for his ear infection visit, is that normal",
            "billing_dispute",
            "billing_dispute",
        ),
        # whether to still come while ill: a nurse's question, even with a word of a booking
        (
            "my son has an appointment at 8 tomorrow but he threw up tonight should we still come",
            "book_appointment",
            "medical_advice",
        ),
        (
            "i have a fever and cough should i still come to my physical tomorrow",
            "book_appointment",
            "medical_advice",
        ),
        (
            "can i still come in with a cough, my appt is at 3",
            "check_appointment",
            "medical_advice",
        ),
        # the patient's own call, and a booking
        ("should i cancel, i have a fever?", "cancel_appointment", "cancel_appointment"),
        ("i have a cough can i book an appointment", "book_appointment", "book_appointment"),
    ],
)
def test_billing_without_money_and_coming_in_while_ill(
    text: str, read_as: str, becomes: str
) -> None:
    [result] = AdviceQuestionGuard().process([parsed_message(text, read_as, 0.9, "greet", 0.1)])
    assert result.get("intent")["name"] == becomes


@pytest.mark.parametrize(
    ("text", "read_as"), [("cant stop shaking", "stop"), ("i cant stop coughing", "stop")]
)
def test_a_symptom_that_wont_stop_is_for_a_nurse_not_a_stop(text: str, read_as: str) -> None:
    # "cant stop shaking" got "No problem, I've stopped there. Nothing was changed."
    [result] = AdviceQuestionGuard().process([parsed_message(text, read_as, 0.8, "greet", 0.1)])
    assert result.get("intent") == {"name": "medical_advice", "confidence": 1.0}


@pytest.mark.parametrize(
    "text", ["cant stop crying all day", "idk man everything is falling apart"]
)
def test_distress_is_an_unsure_crisis_for_the_check_in(text: str) -> None:
    """Read as out of scope ("not something I can help with"): an unsure crisis guess, which the
    safety layer turns into 988's check-in (a chat paused for staff would be too much)."""
    [result] = AdviceQuestionGuard().process(
        [parsed_message(text, "out_of_scope", 0.8, "greet", 0.1)]
    )
    assert result.get("intent") == {"name": "crisis", "confidence": 0.5}
    # ...and a stop asked for in words stays one
    [stop] = AdviceQuestionGuard().process(
        [parsed_message("stop, i dont want to book", "stop", 0.9, "greet", 0.1)]
    )
    assert stop.get("intent")["name"] == "stop"


@pytest.mark.parametrize("read_as", ["medical_advice", "nlu_fallback"])
def test_a_visit_asked_for_beside_a_symptom_is_a_booking(read_as: str) -> None:
    # a nurse's question at 0.52: "did you mean …?" for a parent who asked for a sick visit
    text = "my daughter cant breathe thru her nose, so stuffy, need a sick visit"
    [result] = AdviceQuestionGuard().process([parsed_message(text, read_as, 0.52, "greet", 0.1)])
    assert result.get("intent") == {"name": "book_appointment", "confidence": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        "my chiropractor said i should see a doctor about my back",
        "my pharmacist said i should see a doctor about this rash",
        "my mom thinks i should see a doctor about my cough",
        "urgent care told me to see my pcp this week",
        "urgent care told me to follow up with my pcp",
    ],
)
@pytest.mark.parametrize("read_as", ["medical_advice", "faq"])
def test_told_to_see_a_doctor_is_a_booking(text: str, read_as: str) -> None:
    # a question for the nurses (handed over, the chat paused), or the walk-in answer
    [result] = AdviceQuestionGuard().process(
        [parsed_message(text, read_as, 0.9, "book_appointment", 0.1)]
    )
    assert result.get("intent") == {"name": "book_appointment", "confidence": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        "do you think i should see a doctor about my back",
        "my mom thinks i should see a doctor, should i go see one for a fever of 101?",
    ],
)
def test_asking_whether_to_see_a_doctor_stays_a_question(text: str) -> None:
    [result] = AdviceQuestionGuard().process(
        [parsed_message(text, "medical_advice", 0.9, "book_appointment", 0.1)]
    )
    assert result.get("intent")["name"] == "medical_advice"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        # what to do is asked too: a nurse
        ("my son has a fever, should i bring him in or does he need an appointment", "faq"),
        ("i have a rash, is it serious? i want an appointment", "medical_advice"),
        # read as something else
        ("i need an appointment, my son has a cough", "book_appointment"),
        ("im having chest pain i need an appointment", "emergency"),
    ],
)
def test_a_visit_asked_with_a_question_or_read_otherwise_is_not_made_a_booking(
    text: str, read_as: str
) -> None:
    [result] = AdviceQuestionGuard().process([parsed_message(text, read_as, 0.9, "greet", 0.1)])
    expected = "medical_advice" if read_as == "faq" else read_as
    assert result.get("intent")["name"] == expected
