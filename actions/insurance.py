"""Insurance: whether the clinic takes a plan, answered from ``clinic.yml`` (``insurance``).

Never a false yes: a plan on the list gets a yes, one off it a kind no, one we do not know "we
can check" with billing staff. Copays, deductibles and EOBs depend on the patient's own plan,
which we cannot see, so they get what the words mean and who can check.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import (
    answer_method,
    as_balance_items,
    billing_facts,
    join_words,
    staff_button,
)
from actions.clinic_config import ClinicConfig
from actions.cost_follow_up import is_cost_follow_up
from actions.look_ups import look_up_for_another
from actions.matching import normalise
from actions.payment_methods import brand_asked, method_asked
from actions.plan_names import PlanNamed, identify, plan_in_message, plans_in_message
from actions.second_request import answer_second_request, replay_as
from actions.settings import get_clinic
from actions.stop import action_before_message
from actions.tracker_reading import is_button_payload, last_event, latest_intent, latest_text
from actions.typed_answers import UNDECIDED
from addons.details_text import name_with_birth_date
from addons.faq_words import card_sent

# Insured, but the plan's name unknown: "not sure what it's called", "through my job".
PLAN_NAME_UNKNOWN = re.compile(
    r"\b(not sure|don t know|dont know|do not know|idk|no idea|forgot|can t remember|"
    r"cant remember|not certain|unsure)\b.{0,40}\b(name|called|plan|insurance|which|what)\b"
    r"|\b(through|thru|from|with) (my|our|his|her) (job|work|employer|company|school|union|"
    r"(husband|wife|partner|spouse|mom|dad|parent|parents)( s|s) (job|work|employer|company))\b"
)
# "I have Kaiser but want to switch, what do you accept": the list too, after the answer.
LIST_ASKED = re.compile(
    r"\b(what|which) (insurance|insurances|plans|ones|kinds of insurance)\b.{0,30}\b"
    r"(accept|take|work with|cover)"
    r"|\bwhat (do|does) (you|u|ya|the clinic|your clinic) (accept|take)\b"
)
# "how much is my copay": set by the patient's plan, which we cannot see (it got the balance).
COPAY_ASKED = re.compile(
    r"\b(copays?|co pays?|copayments?|co payments?|deductibles?|coinsurance|co insurance|"
    r"out of pocket)\b"
)
# "whats a deductible", "difference between that and a copay", "and coinsurance?": each got
# "Your copay is set by your insurance plan" word for word. General terms, said plainly.
INSURANCE_TERMS = (
    (
        re.compile(r"\bdeductibles?\b"),
        "A deductible is what you pay for covered care each year before your plan starts paying "
        "its share.",
    ),
    (
        re.compile(r"\b(copays?|co pays?|copayments?|co payments?)\b"),
        "A copay is a set amount, like $25, that you pay for a visit.",
    ),
    (
        re.compile(r"\b(coinsurance|co insurance)\b"),
        "Coinsurance is a share of the cost, like 20%, that you pay once the deductible is met.",
    ),
    (
        re.compile(r"\bout of pocket (max|maximum|limit)\b"),
        "The out-of-pocket maximum is the most you pay in a year for covered care; after that, "
        "your plan pays the rest.",
    ),
)
# "what is a deductible", "whats the difference between ...", "what does coinsurance mean".
TERM_ASKED = re.compile(
    r"\b(what s|whats|what is|what are|what does|what do|wats|wat s|wat is|wut|wuts|"
    r"meaning of|mean|means|difference|"
    r"explain|vs|versus|and)\b"
)


# "whats an eob" (it got the balance again, word for word).
EOB_ASKED = re.compile(r"\b(eobs?|e o b|explanation of benefits)\b")
# "is that after insurance?", "does the 240 include what insurance paid" (it got the list of
# plans and "Which insurance plan do you have?").
AFTER_INSURANCE = re.compile(
    r"\b(is|does|did|was)\b.{0,25}\b(after|minus|before|include|includes|including|count|"
    r"take into account|with)\b.{0,15}\b(insurance|what (my |the )?(insurance|plan) (paid|pays|"
    r"covered|covers))\b"
)
# "not sure if my insurance paid their part yet" (it got where to find a plan's name); not
# "do you know if my insurance will pay for a physical" (what a plan covers). Only once the
# question is read as one about insurance: beside "what do I owe" the balance comes first.
INSURANCE_PAID = re.compile(
    r"\b(if|whether|has|have)\b.{0,12}\b(insurance|plan)\b.{0,12}\b(paid|processed|billed)\b"
    r"|\bdid\b.{0,12}\b(insurance|plan)\b.{0,6}\bpay\b"
)


# "i got an EOB, do i owe that?" (a complaint to the model: handed to staff, the chat paused).
OWE_ASKED = re.compile(
    r"\b(do|should|must|will|would) (i|we) (still )?(owe|pay|have to pay|need to pay)\b"
    r"|\bis (this|that|it|an eob|the eob|my eob) (a|the) bill\b|\bhave to pay (this|that|it)\b"
)


def eob_bill_asked(text: str) -> bool:
    """Whether the message asks if an EOB is a bill to pay ("i got an EOB, do i owe that?")."""
    said = normalise(text)
    return bool(EOB_ASKED.search(said) and OWE_ASKED.search(said))


def eob_or_after_insurance(text: str, paid_too: bool = False) -> str | None:
    """``utter_insurance_eob`` or ``utter_balance_after_insurance`` when the message asks what an
    EOB is (or whether one is to be paid) or whether a balance is what's left after insurance
    (``paid_too``: or whether insurance has paid); else None."""
    said = normalise(text)
    if eob_bill_asked(text) or (
        EOB_ASKED.search(said) and TERM_ASKED.search(said) and not re.search(r"\bmy eob\b", said)
    ):
        return "utter_insurance_eob"
    if AFTER_INSURANCE.search(said) or (paid_too and INSURANCE_PAID.search(said)):
        return "utter_balance_after_insurance"
    return None


def insurance_terms(text: str) -> str:
    """What the insurance words asked about mean ("whats a deductible"), or "" when the question
    is about the patient's own amount ("how much is my copay", "have i met my deductible")."""
    said = normalise(text)
    if not TERM_ASKED.search(said) or re.search(r"\b(my|our|his|her|met)\b", said):
        return ""
    return " ".join(meaning for word, meaning in INSURANCE_TERMS if word.search(said))


# "how do I update my insurance", "my insurance changed" (it got the list of plans only).
INSURANCE_UPDATE = re.compile(
    r"\b(update|updating|change|changing|add|adding|give (you|u)|send|upload|submit|switch)\b"
    r".{0,20}\b(insurance|insurance card|insurance info|card|coverage)\b"
    r"|\b(new|different) (insurance|insurance card|card|plan)\b"
    r"|\b(insurance|coverage) (changed|changes|is changing|has changed|switched|is different|"
    r"is new)\b"
    r"|\b(changed|switched) (my |our )?(insurance|plans?|insurers?)\b"
)
_PRICED = (
    r"(visit|appointment|appt|checkup|check up|physical|exam|shot|shots|vaccine|vaccines|test|"
    r"tests|lab|labs|blood work|x ray|pap|screening|new patients?)"
)
# The price of a visit ("how much is a visit if i pay cash", "how much is a flu shot"): billing
# tells it up front.
COST_ASKED = re.compile(
    r"\bhow much (is|are|does|do|will|would|do you charge for|for|to get) (a|an|the|my|one)? ?"
    rf"(\w+ )?{_PRICED}\b"
    r"|\b(cost|price|prices|fee|fees|charge) (of|for) (a|an|the|your)? ?(\w+ )?"
    rf"{_PRICED}\b"
    r"|\bself pay (price|prices|rate|rates|cost)\b"
    # "wait how much will it cost" while booking (it got the list of plans we take)
    r"|\bhow much (is|will|would|does|did) (it|that|this) (cost|be|run|set me back)\b"
    r"|\bwhat (does|will|would) (it|that|this) cost\b"
)
# "i lost my insurance card": the visit can go ahead (it got the list of plans).
# The common question's answer (domain/faq.yml), one text for both readings of the message.
CARD_LOST_ANSWER = "utter_faq/insurance_card"
CARD_LOST = re.compile(
    r"\b(lost|lose|misplaced|cant find|can t find|forgot|left|dont have|don t have|no have) "
    r"(my |his |her |the )?(insurance |medical |medi cal |medicare |medicaid )?card\b"
)
# "how much is a sick visit if i pay cash": the self-pay answer
CASH_WORDS = re.compile(r"\b(cash|out of pocket|pay myself|cash price)\b")
SELF_PAY = re.compile(
    r"\b(no insurance|not insured|uninsured|without insurance|self pay|selfpay|cash pay|"
    r"lost my insurance|lost our insurance|lost (my|our) coverage|no longer have insurance|"
    r"don t have (any )?insurance|do not have (any )?insurance|dont have (any )?insurance|"
    r"no have (any )?insurance|no tengo seguro|sin seguro)\b"
    # "do i need insurance?" (it got the list of plans, and no answer)
    r"|\b(do|does|would|will) (i|we|he|she|they|you|u|my \w+) (need|have to have|require|"
    r"need to have) (health |medical )?insurance\b|\binsurance (required|necessary|a must)\b"
)


def named_plan(tracker: Tracker, clinic: ClinicConfig, answering: bool = False) -> PlanNamed | None:
    """The plan named in the latest message (see :mod:`actions.plan_names`), or None.
    ``answering``: the message answers "Which insurance plan do you have?", whatever the model
    read it as."""
    text = latest_text(tracker)
    entities = (tracker.latest_message or {}).get("entities") or []
    if not text or name_with_birth_date(text):
        # "Emily Johnson 04/12/1988" after "Which insurance plan?": the patient, not a plan
        # ("I don't see Emily Johnson 04/12/1988 on my list" told her she was not on file).
        return None
    if is_button_payload(text):  # a button's plan: its entity value is the whole name
        values = [str(e.get("value") or "") for e in entities if e.get("entity") == "insurance"]
        return identify(values[0], clinic) if values and values[0].strip() else None
    intent, _ = latest_intent(tracker)
    return plan_in_message(
        text,
        entities,
        clinic,
        whole_answer=intent == "inform" or answering,
        about_insurance=intent == "billing_insurance",
    )


MAX_PLANS_ANSWERED = 3


def several_plans(tracker: Tracker, clinic: ClinicConfig) -> list[PlanNamed]:
    """The plans a typed insurance question names, when it names more than one (else [])."""
    text = latest_text(tracker)
    intent, _ = latest_intent(tracker)
    if intent != "billing_insurance" or not text or is_button_payload(text):
        return []
    entities = (tracker.latest_message or {}).get("entities") or []
    plans = plans_in_message(text, entities, clinic)[:MAX_PLANS_ANSWERED]
    return plans if len(plans) > 1 else []


PLAN_ACRONYMS = {"ppo", "hmo", "epo", "pos", "uhc", "bcbs", "hsa", "hdhp", "aarp", "ihss"}
SMALL_WORDS = {"of", "and", "the", "for", "de", "del", "la", "y"}
UNNAMED_PLAN = "that plan"  # what we call a plan the patient has not named


def as_named(said: str) -> str:
    """A plan name as the patient typed it, capitalised when they typed it all in lower case
    ("aetna better health" -> "Aetna Better Health"), so the answer doesn't read as an echo."""
    if said != said.lower() or said == UNNAMED_PLAN:
        return said
    words = said.split()
    return " ".join(
        w.upper()
        if w in PLAN_ACRONYMS
        else w
        if w in SMALL_WORDS and i > 0
        else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def answer_plan(
    dispatcher: CollectingDispatcher,
    named: PlanNamed,
    clinic: ClinicConfig,
    offer_staff: bool = True,
) -> None:
    """What the clinic knows about the plan the patient named: yes, a kind no, a careful "can't
    tell" or "we can check". Never a false yes; every answer but the yes offers billing staff
    (``offer_staff=False``: the caller offers it once, after several answers)."""
    facts = billing_facts(clinic)
    staff = [staff_button()] if offer_staff else []
    if named.plan is not None and named.accepted:
        dispatcher.utter_message(response="utter_insurance_accepted", plan=named.plan.name, **facts)
    elif named.plan is not None:
        dispatcher.utter_message(
            response="utter_insurance_not_accepted",
            plan=named.plan.name,
            buttons=staff,
            **facts,
        )
    elif named.family is not None:
        # "Cigna Open Access Plus": the company is on a list, this plan may not be.
        dispatcher.utter_message(
            response="utter_insurance_family_accepted"
            if named.family_accepted
            else "utter_insurance_family_not_accepted",
            family=named.family.name,
            plan=as_named(named.said),
            buttons=staff,
            **facts,
        )
    else:
        dispatcher.utter_message(
            response="utter_insurance_unknown",
            plan=as_named(named.said),
            buttons=staff,
            **facts,
        )


def marketplace_named(text: str, clinic: ClinicConfig) -> str | None:
    """The marketplace a message names ("covered california"), as clinic.yml writes it."""
    words = f" {normalise(text)} "
    for name in clinic.insurance.marketplaces:
        if f" {normalise(name)} " in words:
            return name
    return None


def say_self_pay(dispatcher: CollectingDispatcher, clinic: ClinicConfig) -> None:
    """Seen without insurance: plans, assistance, and billing for the price up front."""
    billing = clinic.billing
    dispatcher.utter_message(
        response="utter_insurance_self_pay",
        help=" ".join(
            t.strip() for t in (billing.payment_plans, billing.financial_assistance)
        ).strip(),
        buttons=[staff_button()],
        **billing_facts(clinic),
    )


class ActionCheckInsurance(Action):
    """Is a plan accepted? From ``clinic.yml``: yes / a kind no / "we can check" / which plan?"""

    def name(self) -> str:
        return "action_check_insurance"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        clinic = get_clinic()
        facts = billing_facts(clinic)
        accepted_list = join_words([p.name for p in clinic.insurance.accepted])
        intent, _ = latest_intent(tracker)
        # A plan name the model misread, right after our question (see ActionStop); a new
        # insurance question ("what about Cigna?") is read as one.
        after_our_question = action_before_message(tracker) == self.name()
        answering = after_our_question and intent != "billing_insurance"
        text = latest_text(tracker)
        # "no idea", "umm not sure", "through my husbands work" at our question: no plan called
        # "Idea", "Umm" or "Husbands"
        doubt = after_our_question and bool(
            UNDECIDED.match(text) or PLAN_NAME_UNKNOWN.search(normalise(text))
        )
        named = named_plan(tracker, clinic, answering)
        if doubt and (named is None or (named.plan is None and named.family is None)):
            # (a plan of ours named with it is that plan: "my plan is through my work, its
            # united" got where to find the plan's name)
            named = None
        several = several_plans(tracker, clinic)
        marketplace = marketplace_named(text, clinic)
        if (named is None or (named.plan is None and named.family is None)) and not marketplace:
            # "what about carlos rivera 09/30/1975" right after a balance: his balance, not
            # "I don't see Carlos Rivera 09 on my list"
            again = look_up_for_another(tracker, text)
            if again is not None:
                return replay_as(tracker, last_event(list(tracker.events), "user"), again)
            if (items := as_balance_items(tracker)) is not None:
                return items
        if CARD_LOST.search(normalise(text)) and not several:
            # "i lost my insurance card, can i still come to my appt" got the list of plans,
            # and "forgot my medi-cal card at home" "Please bring your insurance card"
            dispatcher.utter_message(response=CARD_LOST_ANSWER, **facts)
            return []
        brand = brand_asked(text, clinic.billing.methods)
        explained = (
            eob_or_after_insurance(text, paid_too=True) if named is None and not several else None
        )
        if explained is not None:
            dispatcher.utter_message(
                response=explained,
                buttons=[
                    {"title": "Check my balance", "payload": "/billing_balance"},
                    staff_button(),
                ],
                **facts,
            )
            # ...and nothing more: "do i owe that" (of "i got an EOB, do i owe that?") started
            # a balance look-up after it; [Check my balance] is there
            return []
        elif brand is not None and (named is None or (named.plan is None and named.family is None)):
            # "do you take care credit" got "I don't see Care Credit on my list" of plans
            answer_method(dispatcher, brand, clinic, tracker)
        elif marketplace and not several and (named is None or named.plan is None):
            # "Covered California" is a marketplace, not a plan: which company is it with?
            dispatcher.utter_message(
                response="utter_insurance_marketplace",
                marketplace=marketplace,
                plans=accepted_list,
                buttons=[staff_button()],
                **facts,
            )
        elif several:
            # "Oscar or Anthem?": one answer each, so no plan is passed over in silence, and
            # billing staff offered once, with the last answer that is not a plain yes.
            unsure = [i for i, p in enumerate(several) if not (p.plan and p.accepted)]
            for i, plan in enumerate(several):
                answer_plan(dispatcher, plan, clinic, offer_staff=bool(unsure) and i == unsure[-1])
        elif (
            named is not None
            and named.plan is not None
            and named.accepted
            and COPAY_ASKED.search(normalise(text))
        ):
            # "whats my copay for a physical with blue shield": "Yes, we accept Blue Cross
            # Blue Shield" answered a question not asked, and the copay one in passing
            dispatcher.utter_message(
                text=f"Your copay is set by your plan, not by us: it's often printed on your "
                f"insurance card, and {named.plan.name} can tell you exactly. We do accept "
                f"{named.plan.name}, so please bring the card to your visit. Billing staff can "
                f"also check your coverage at {facts['billing_phone']} ({facts['billing_hours']}).",
                buttons=[staff_button()],
            )
        elif named is not None and (named.plan is not None or named.family is not None):
            answer_plan(dispatcher, named, clinic)
            if not (named.plan and named.accepted) and LIST_ASKED.search(normalise(text)):
                dispatcher.utter_message(
                    response="utter_insurance_list", plans=accepted_list, **facts
                )
            if INSURANCE_UPDATE.search(normalise(text)):
                dispatcher.utter_message(response="utter_insurance_update_how", **facts)
        elif named is None and card_sent(text):
            # "can i email you a copy of my insurance card" got the list of plans
            dispatcher.utter_message(
                response="utter_insurance_card_sent", buttons=[staff_button()], **facts
            )
        elif named is None and INSURANCE_UPDATE.search(normalise(text)):
            dispatcher.utter_message(
                response="utter_insurance_update", buttons=[staff_button()], **facts
            )
            if LIST_ASKED.search(normalise(text)):
                dispatcher.utter_message(
                    response="utter_insurance_list", plans=accepted_list, **facts
                )
        elif named is None and COPAY_ASKED.search(normalise(text)):
            terms = insurance_terms(text)
            if terms:
                dispatcher.utter_message(text=terms)
            dispatcher.utter_message(
                response="utter_insurance_copay",
                buttons=[
                    {"title": "Check my balance", "payload": "/billing_balance"},
                    staff_button(),
                ],
                **facts,
            )
        elif named is None and (COST_ASKED.search(normalise(text)) or is_cost_follow_up(text)):
            # "how much is a visit if i pay cash" got "Yes, you can pay with cash"; "how much
            # will my physical cost" got the self-pay answer (no one said they had no plan);
            # "is it free?" while booking got the plans we take
            if SELF_PAY.search(normalise(text)) or CASH_WORDS.search(normalise(text)):
                say_self_pay(dispatcher, clinic)
            else:
                dispatcher.utter_message(
                    response="utter_visit_cost", buttons=[staff_button()], **facts
                )
        elif named is None and (asked := method_asked(text, clinic.billing.methods)):
            # "do you accept cash?" read as an insurance question: a way to pay, not a plan
            answer_method(dispatcher, asked, clinic, tracker)
        elif named is None and (PLAN_NAME_UNKNOWN.search(normalise(text)) or doubt):
            # "it's through my job, idk the name": where to find it, and who can check
            dispatcher.utter_message(
                response="utter_insurance_name_unknown",
                plans=accepted_list,
                buttons=[staff_button()],
                **facts,
            )
        elif SELF_PAY.search(normalise(text)):
            say_self_pay(dispatcher, clinic)
        elif named is not None:
            answer_plan(dispatcher, named, clinic)  # a plan we do not know: we can check
        elif (
            (intent == "inform" or answering)
            and text
            and not is_button_payload(text)
            and not name_with_birth_date(text)
        ):
            answer_plan(dispatcher, PlanNamed(UNNAMED_PLAN), clinic)
        elif tracker.active_loop_name:
            # In the middle of a form, which asks its own question next: the list, no question.
            dispatcher.utter_message(response="utter_insurance_list", plans=accepted_list, **facts)
        else:
            dispatcher.utter_message(
                response="utter_ask_insurance_plan", plans=accepted_list, **facts
            )
            return []  # a question of our own: the patient answers that first
        if tracker.active_loop_name:
            return []
        return answer_second_request(dispatcher, tracker, "billing_insurance")
