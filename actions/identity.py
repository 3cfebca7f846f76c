"""Identity before any patient data: full name + date of birth matched against the FHIR Patient.

On SMS the sender's phone must also be one of the patient's numbers (compared as keyed hashes;
see ``actions/phone.py``). Names are compared without case, accents, apostrophes, hyphens or
spaces ("Mary Ann OBrien" is "Mary-Ann O'Brien"); the birth date must match in full. Three failed
tries end in a handoff to staff. Across conversations, too many failed checks naming one person
(``actions/verify_lockout.py``) refuse further checks for that name for a while, with the same
reply and handoff as the third failed try. Verification lives in slots, so it holds for the
conversation session and is gone when the session expires.

When a form starts, what the request itself says is used: a name said in passing
(``actions/writers.py`` reads it) is not asked again, a name and date of birth given with it
(``actions/mentions.py``) are checked at once, and a request about another person than the one
verified (``actions/relatives.py``, ``actions/named_others.py``) starts a new check for them.
Names themselves are read in ``actions/names.py``.

Nothing here ever tells the patient *which* detail did not match, and nothing is logged but
outcomes.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.birth_dates import birth_month_day, birth_year, impossible_date, parse_birth_date
from actions.clients.fhir_model import normalize_name
from actions.handoff import patient_channel
from actions.identity_answers import (
    BIRTH_DATE_WORDS,
    FORMAT_ASKED,
    NO_PHONE,
    NOT_KNOWN,
    WHY_OR_NO,
    YES_ONLY,
    only_a_correction,
    other_ways_after_two_misses,
    said_in_this_task,
    says_this_number,
)
from actions.mentions import given_identity, relative_identity
from actions.named_others import asked_about_name, named_for, named_other, other_first_name
from actions.names import double_first_name, name_apart, one_name_word, parse_full_name
from actions.patient_match import (
    scheduling_client,
    sender_phone,
    sender_phone_hash,
    verification_lockout,
    verify_patient,
)
from actions.patient_status import NEW_PATIENT_WORDS
from actions.patient_words import is_child
from actions.phone import find_phone
from actions.relatives import (
    FOR_SOMEONE_ELSE,
    OTHER_PERSON,
    SIBLING,
    name_after_relation,
    relation_in,
    someone_else,
    writer_asks_for_own,
)
from actions.remembered_patient import (
    forgotten_patient,
    remembered_patient,
    restored_patient,
    writer_to_go_back_to,
)
from actions.request_context import (
    OWN_ACCOUNT,
    about_someone_else,
    death_said,
    introduction_before,
    writer_since_verified,
)
from actions.second_request import (
    REFERENT,
    TASK_NAMES,
    asked_about_later,
    first_task_name,
    remember_complaint,
    remember_second_request,
)
from actions.settings import get_clinic
from actions.tracker_reading import is_button_payload, last_response
from actions.typed_answers import ALREADY_SAID, TYPO_SAID
from actions.verified_patient import verified_slots
from actions.verify_lockout import LockoutStoreError
from actions.visit_request import written_name
from actions.writers import NEW_WRITER, introduced_first_name, introduced_name, name_said_before

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


# Slots that end the identity check unfinished: the form's submit says what happens instead.
IDENTITY_ENDINGS = ("escalation_reason", "backend_error", "identity_declined")

# The name and birth date given so far, with their halves: what a check that starts again (or
# gives up) forgets.
ANSWERS_FORGOTTEN: dict[str, Any] = {
    "verify_name": None,
    "verify_dob": None,
    "partial_name": None,
    "last_name_asked": False,
    "partial_dob": None,
    "birth_year_asked": False,
    "birth_day_asked": False,
}


class IdentitySteps:
    """The identity questions a form asks first (name, then date of birth), and the check."""

    own_intents: set[str] = set()
    # Name and date of birth given with the request are checked at once (not when booking,
    # which asks who the patient is at the end).
    checks_identity_at_start = True
    no_match_response = "utter_verification_no_match"
    # No match for details given before their question (booking asks them after a time is
    # picked): that they are asked again then, for the web and for SMS ("Let's try once more."
    # was followed by "Who would you like to see?"). None: the name is asked next.
    no_match_early_responses: tuple[str, str] | None = None

    def answers_requested_slot(self, tracker: Tracker, requested: str | None) -> bool:
        text = (tracker.latest_message or {}).get("text") or ""
        if requested in ("verify_name", "verify_dob") and (
            WHY_OR_NO.search(text) or NOT_KNOWN.search(text) or TYPO_SAID.search(text)
        ):
            return True  # "why do you need my name?": the form answers it (utter_why_identity)
        if requested == "verify_name":
            # "Emily" alone too (read as a billing question once, which started another task)
            return parse_full_name(text, asked=True) is not None or one_name_word(text) is not None
        if requested == "verify_dob":
            # the name again (or a corrected one) at the date-of-birth question is for us too,
            # and half a date ("nineteen seventy five" was read as out of scope)
            today = get_clinic().now().date()
            return (
                parse_birth_date(text, today) is not None
                or birth_month_day(text, today) is not None
                or birth_year(text, today) is not None
                or parse_full_name(text) is not None
            )
        if requested == "new_phone":
            # "why do you need that?" (a complaint to the model) and "i don't have a phone":
            # answered here, not with an apology and the same question again
            return bool(find_phone(text) or WHY_OR_NO.search(text) or NO_PHONE.search(text))
        return False

    def on_activation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
    ) -> dict[str, Any]:
        """A request about someone else than the patient verified earlier in this chat ("and
        what does my husband owe?") starts a new identity check for that person: their data
        needs their details, and the answer must not be the first patient's. Before any check,
        a name the patient introduced themselves with is not asked again. A death mentioned
        with the request ("cancel my appointment, my dad died yesterday") is acknowledged
        first; so is a complaint that asked for the task, which goes to staff after it."""
        if death_said(tracker) and last_response(tracker) != "utter_sorry_for_death_told":
            # (not twice: "Cancel their appointments" is a button of those condolences)
            dispatcher.utter_message(response="utter_sorry_for_loss")
        updates = remember_second_request(tracker, self.own_intents)
        pending = updates.get("pending_request")
        complaint = remember_complaint(tracker)
        if asked_about_later(pending) and not complaint:
            # "cancel my physical and book my son a checkup": the booking began without a word
            # about the cancellation, which seemed forgotten.
            task = first_task_name(tracker, pending, TASK_NAMES.get(self.form_name, "this"))
            if pending.get("children"):
                # "checkups for both my kids": not 'first the booking, then “book my other kid
                # an annual physical”'
                dispatcher.utter_message(
                    response="utter_one_child_at_a_time", other=pending["children"]
                )
            elif pending.get("own") == "writer" and task.endswith("'s booking"):
                # "book an appt for me and my husband": "first your husband's booking, then
                # yours", not then "“hi can i book an appt for me”"
                dispatcher.utter_message(response="utter_own_booking_later", task=task)
            else:
                dispatcher.utter_message(
                    response="utter_second_request_later", request=pending["text"], task=task
                )
        if complaint:
            dispatcher.utter_message(response="utter_complaint_after_task")
            updates.update(complaint)
        return {**updates, **self._identity_on_activation(dispatcher, tracker, slots)}

    def _identity_on_activation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
    ) -> dict[str, Any]:
        text = (tracker.latest_message or {}).get("text") or ""
        if not slots.get("verified"):
            previous = writer_to_go_back_to(tracker)
            if previous is not None:
                # "whats carlos riveras balance" - "now back to me, when is MY appointment"
                return restored_patient(previous)
            return self._before_any_check(dispatcher, tracker, slots, text)
        patient_wrote = not (
            slots.get("patient_is_relative")
            or slots.get("patient_relation")
            or is_child(slots, get_clinic())
        )
        writer = writer_since_verified(
            list(tracker.events), str(slots.get("patient_name") or ""), patient_wrote
        )
        if writer is not None:
            return self.check_the_new_writer(dispatcher, tracker, slots, text, writer)
        # ("and hers?": whom it means, said in an earlier message; actions/fallback.py)
        person = self._someone_else(text, slots) or (tracker.latest_message or {}).get(REFERENT)
        if person is None:
            return {}
        previous = slots.get("previous_patient")
        if (
            person == OWN_ACCOUNT
            and previous
            and not (previous.get("patient_is_relative") or previous.get("patient_relation"))
        ):
            # "whats my husbands balance" - his details - "and mine?": the writer was verified
            # earlier in this session ("So far I've only checked Carlos Rivera's details").
            # (the one set aside is not the writer: "my appointment" is never theirs)
            aside = remembered_patient(slots)
            return {
                **restored_patient(previous),
                "previous_patient": {**aside, "patient_is_relative": True} if aside else None,
            }
        introduced = introduced_name(text)
        if introduced and normalize_name(" ".join(introduced)) == normalize_name(person):
            # "Hi, this is Carlos Rivera, what do I owe?" after Emily's check: he writes now,
            # and "and mine?" must not go back to her records
            return self.check_again_for(
                dispatcher, tracker, slots, text, person, also_clear={"previous_patient": None}
            )
        return self.check_again_for(dispatcher, tracker, slots, text, person)

    def check_again_for(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        text: str,
        person: str,
        also_clear: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The request is about ``person``, not the patient verified: say so, forget the
        patient (and ``also_clear``), and check the one named in ``text`` at once ("what do I
        owe? I'm his mom, Emily Johnson": her details are not asked again)."""
        logger.info("request about another person: identity check starts again")
        dispatcher.utter_message(
            response="utter_other_person",
            patient_name=str(slots.get("patient_name") or "") or "the patient",
            # "carlos rivera" as typed on a phone: "Carlos Rivera" (not "your husband")
            person=person if person.startswith("your ") or not person.islower() else person.title(),
        )
        forgotten = {
            **forgotten_patient(),
            # kept to go back to ("and mine?", "actually nvm"); None if no one was verified
            "previous_patient": remembered_patient(slots) or slots.get("previous_patient"),
            **(also_clear or {}),
        }
        # ("whats carlos riveras balance": "Happy to help with Carlos Rivera too", then "What
        # is the patient's full name?")
        named = parse_full_name(person) if not person.startswith("your ") else None
        return self._check_anew(
            dispatcher, tracker, slots, text, forgotten, f"{named[0]} {named[1]}" if named else None
        )

    def check_the_new_writer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        text: str,
        writer: str,
    ) -> dict[str, Any]:
        """Someone else now writes ("oh wait this is actually carlos rivera typing, whats my
        balance": Emily's was shown to him): the patient verified is forgotten, with no way
        back to them in this chat, and the writer's own details are asked for."""
        logger.info("someone else writes now: identity check starts again")
        dispatcher.utter_message(response="utter_new_writer")
        forgotten = {**forgotten_patient(), "previous_patient": None}
        name = writer if writer != NEW_WRITER else None
        return self._check_anew(dispatcher, tracker, slots, text, forgotten, name)

    def _check_anew(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        text: str,
        forgotten: dict[str, Any],
        name: str | None,
    ) -> dict[str, Any]:
        """The patient forgotten (``forgotten``), and the check begun for the one the message
        names, else for ``name`` (who was said to be asked about, or to be writing)."""
        found = self._before_any_check(
            dispatcher, tracker, {**slots, **forgotten}, text, look_back=False
        )
        if name and not found.get("verify_name"):
            # (the whole name known: no first name kept for "What is your last name?")
            found = {k: v for k, v in found.items() if k not in ("partial_name", "last_name_asked")}
            found["verify_name"] = name
        return {**forgotten, **found}

    def _before_any_check(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        text: str,
        look_back: bool = True,
    ) -> dict[str, Any]:
        """The name (and date of birth) the patient gave with the request, or (``look_back``)
        in a message of its own just before it."""
        today = get_clinic().now().date()
        relative = relative_identity(text, today)
        first_said = None
        if about_someone_else(text) and relative is None:
            # A parent's own name is not the patient's; "balance for my son Liam Nguyen" is.
            # ("my husband carlos rivera has a bill": his name, asked again before)
            patient = named_for(text) or name_after_relation(text)
            return {"verify_name": " ".join(patient)} if patient else {}
        if (
            relative is None
            and look_back
            and (
                is_button_payload(text)
                or not (
                    given_identity(text, today)
                    or introduced_name(text)
                    or named_for(text)
                    or name_apart(text)
                    or written_name(text)
                )
            )
        ):
            # "Hi, this is Carlos Rivera 9/30/1975" - "How can I help?" - "my bill"
            first_said = None if about_someone_else(text) else introduced_first_name(text)
            text = introduction_before(list(tracker.events))
            if about_someone_else(text):
                return {}
        given = relative or given_identity(text, today)
        apart = name_apart(text) if given is None and not about_someone_else(text) else None
        birth = parse_birth_date(text, today) if apart else None
        if apart and birth:
            given = (apart, birth)  # "what's Emily Johnson's balance? DOB 4/12/88"
        if given is not None:
            (first, last), birth = given
            updates = {"verify_name": f"{first} {last}", "verify_dob": birth.isoformat()}
            if self.checks_identity_at_start:
                return {**updates, **self._check(dispatcher, tracker, {**slots, **updates}, False)}
            checked = self.check_quietly(dispatcher, tracker, slots, updates)
            if checked is not None:
                return checked
            if NEW_PATIENT_WORDS.search(text.lower()):
                # "hi new patient, james carter, 2/2/1980, need a checkup": no record, as
                # said; the date of birth is kept (it was asked for again later), and so is
                # a phone number given with them ("... cell 916 555 0190")
                phone = find_phone(text)
                return {**updates, **({"new_phone": phone} if phone else {})}
        about = asked_about_name(text, "") if not look_back else None
        name = (
            given[0]
            if given
            else (
                introduced_name(text)
                or named_for(text)
                or apart
                or parse_full_name(about or "")
                or written_name(text)  # "Carlos Rivera", the request it answers replayed
            )
        )
        # Only the name: the check runs when the date of birth is asked and given.
        if name:
            return {"verify_name": f"{name[0]} {name[1]}"}
        # "this is Carlos, i need to move my appt", or "hi this is Carlos" - "How can I help?" -
        # "i need to move my appt": "Thanks, Carlos... What is your last name?" (the full name
        # was asked, and "Carlos" typed again)
        first = first_said or (None if about_someone_else(text) else introduced_first_name(text))
        return {"partial_name": first, "last_name_asked": True} if first else {}

    def check_quietly(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        updates: dict[str, Any],
    ) -> dict[str, Any] | None:
        """Booking (a new patient may book too): a name and date of birth checked as a new
        patient's would be. A match is a returning patient, verified at once; the check not
        running, or giving up, is for the form to say; None: no match (asked at the end)."""
        # ...unless the patient said they have been here before: then no match is said now,
        # and the details asked again (they were kept, and a new record made at booking)
        returning = slots.get("patient_status") == "returning"
        checked = self._check(dispatcher, tracker, {**slots, **updates}, not returning)
        if checked.get("verified"):
            return {**updates, **checked}
        return checked or None

    @staticmethod
    def _someone_else(text: str, slots: dict[str, Any]) -> str | None:
        """Who a request is about when that is not the verified patient ("Emily", "your
        husband", "your own account"); None when it is them."""
        patient_name = str(slots.get("patient_name") or "")
        person = (
            named_other(text, patient_name)
            or asked_about_name(text, patient_name)
            # "book ava too" after Liam was checked: it was booked on his record
            or other_first_name(text, patient_name)
        )
        if person is not None:
            return person
        sibling = SIBLING.search(text)
        if (
            sibling
            and patient_name
            and not OTHER_PERSON.search(text)
            and is_child(slots, get_clinic())
        ):
            # "book his sister zoe too" after Liam: it was booked as Liam's visit.
            return f"{patient_name.split()[0]}'s {sibling['who'].lower()}"
        clinic = get_clinic()
        child = is_child(slots, clinic)
        if OTHER_PERSON.search(text):
            who = someone_else(
                text, child, slots.get("patient_relation"), str(slots.get("patient_name") or "")
            )
            return f"your {who}" if who else None
        given = given_identity(text, clinic.now().date())
        introduced = given[0] if given else (introduced_name(text) or named_for(text))
        if introduced and normalize_name(" ".join(introduced)) != normalize_name(patient_name):
            # "what do I owe? I'm his mom, Emily Johnson", "balance for Carlos Rivera"
            return " ".join(introduced)
        previous = slots.get("previous_patient") or {}
        writer_before = bool(previous) and not (
            previous.get("patient_is_relative") or previous.get("patient_relation")
        )
        if (child or slots.get("patient_is_relative") or writer_before) and writer_asks_for_own(
            text, patient_name
        ):
            # a parent who checked their child's, or a son his father's: "what do I owe?";
            # and the writer checked first, then someone by name ("whats carlos riveras
            # balance" - ... - "now back to me, when is MY appointment" showed his)
            return OWN_ACCOUNT
        return None

    def identity_next_slot(self, slots: dict[str, Any], new_patient: bool = False) -> str | None:
        if slots.get("verified") or any(slots.get(s) for s in IDENTITY_ENDINGS):
            return None
        if not slots.get("verify_name"):
            return "verify_name"
        if not slots.get("verify_dob"):
            return "verify_dob"
        if new_patient and not slots.get("new_phone"):
            return "new_phone"
        return None

    def extract_identity(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
        new_patient: bool = False,
    ) -> dict[str, Any]:
        """Read name / date of birth / phone from the message; verify once both are known."""
        updates = self._identity_in_message(dispatcher, tracker, slots, requested, new_patient)
        if slots.get("birth_date_impossible") and "birth_date_impossible" not in updates:
            # (the date not on the calendar was the message before: its "write it again"
            # wording is for that question only)
            updates = {**updates, "birth_date_impossible": False}
        return updates

    def _identity_in_message(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        requested: str | None,
        new_patient: bool,
    ) -> dict[str, Any]:
        if slots.get("verified") or requested not in ("verify_name", "verify_dob", "new_phone"):
            return {}
        previous = writer_to_go_back_to(tracker)
        if previous is not None and requested != "new_phone":
            # "what does Liam Nguyen owe" - "...date of birth?" - "ok and mine?": the writer's
            # (the date of birth was asked for, for Liam, again and again)
            return restored_patient(previous)
        text = (tracker.latest_message or {}).get("text") or ""
        today = get_clinic().now().date()
        updates: dict[str, Any] = {}
        name = parse_full_name(text, asked=True) if requested == "verify_name" else None
        if requested == "verify_name" and name is None and ALREADY_SAID.match(text):
            # "hi its emily johnson, when is my appt" (a name in lower case after "its" is not
            # read as one: "im running late") - "...full name?" - "i just told you": that name
            name = name_said_before(list(tracker.events))
        dob = parse_birth_date(text, today)
        who = relation_in(text) if FOR_SOMEONE_ELSE.search(text) else None
        theirs = name_after_relation(text) if who and not name else None
        if theirs and requested in ("verify_name", "verify_dob"):
            # "its for my son liam nguyen" at the name or birth-date question: his name (the
            # name was asked for again, as if none had been given)
            kept = str(slots.get("verify_name") or "")
            if kept and normalize_name(kept) != normalize_name(" ".join(theirs)):
                dispatcher.utter_message(response="utter_check_relative_instead", person=who)
            if dob is None:
                return {**ANSWERS_FORGOTTEN, "verify_name": f"{theirs[0]} {theirs[1]}"}
            name = theirs
        if who and requested in ("verify_name", "verify_dob") and not name and not dob:
            # "Emily Johnson" - "... date of birth?" - "wait no its for my son": "I didn't catch
            # a date of birth there". The check starts again, for him.
            dispatcher.utter_message(response="utter_check_relative_instead", person=who)
            return {**ANSWERS_FORGOTTEN, "identity_reask": True}
        kept_day = slots.get("partial_dob")
        if dob is None and kept_day and requested == "verify_dob":
            if slots.get("birth_day_asked"):
                # "1975" - "And the month and day?" - "sept 30" (the year was forgotten, and
                # asked for again)
                day = birth_month_day(text, today)
                dob = parse_birth_date(f"{day} {kept_day}", today) if day else None
            else:
                # "March 3" - "And the year?" - "1985": one date of birth, in two messages.
                year = birth_year(text, today)
                dob = parse_birth_date(f"{kept_day} {year}", today) if year else None
        unanswered = (requested == "verify_name" and name is None) or (
            requested == "verify_dob" and dob is None
        )
        if unanswered and dob is None and TYPO_SAID.search(text):
            return self._typo_said(text, slots, requested)
        if unanswered and requested == "verify_dob" and FORMAT_ASKED.search(text):
            dispatcher.utter_message(response="utter_dob_any_format")
            return {requested: None}
        if unanswered and NOT_KNOWN.search(text) and not WHY_OR_NO.search(text):
            # "i dont know his dob": how to go on without it, then the question again.
            dispatcher.utter_message(response="utter_identity_not_known")
            return {requested: None}
        if unanswered and WHY_OR_NO.search(text):
            if said_in_this_task(tracker, "utter_why_identity"):
                # "why?" - (why, and the question again) - "no i'd rather not": the same
                # paragraph and question came back every time. The check ends, kindly.
                dispatcher.utter_message(response="utter_identity_declined")
                return {requested: None, "identity_declined": True}
            # "why do you need it?", "I don't want to give my name": say why, and the other
            # ways (phone, or something else), instead of asking the same question again.
            dispatcher.utter_message(response="utter_why_identity")
            return {requested: None}
        if requested == "verify_name" and name is None and dob is not None:
            tried = slots.get("tried_name")
            if tried and only_a_correction(text):
                # "oops 06/05/2017", "sorry typo, 04/12/1988" after a failed check: the date
                # of birth is corrected, for the name just tried (it was "And the last name?").
                name = tuple(str(tried).split(" ", 1))  # type: ignore[assignment]
        double = double_first_name(text) if requested == "verify_name" and name else None
        if double is not None:
            name = None  # "mary ann": a first name, and the last name asked for
        half = one_name_word(text) if requested == "verify_name" and name is None else None
        half = double or half
        first_half = slots.get("partial_name")
        if half and first_half and half.lower() == str(first_half).lower():
            # "nguyen" - "And the last name?" - "nguyen" again: the whole name is asked for,
            # not "And the last name?" over and over.
            return {
                "partial_name": None,
                "last_name_asked": False,
                "verify_name": None,
                "identity_reask": True,
                **({"verify_dob": dob.isoformat()} if dob else {}),
            }
        if half and first_half and half.lower() != str(first_half).lower():
            # "Emily" - "And the last name?" - "Johnson": one name, sent in two messages.
            name = (str(first_half), half)
        elif requested == "verify_name" and name is None:
            # Asked again in one message (utter_ask_verify_name's identity_reask variant); a
            # date of birth given instead is kept: "09/30/1975" - "and the name?"; a first
            # name alone is kept and the last name asked for (last_name_asked).
            kept = {"verify_dob": dob.isoformat()} if dob is not None else {}
            if half:
                kept.update({"partial_name": half, "last_name_asked": True})
            else:
                if dob is not None and not slots.get("verify_dob"):
                    # ("9/30/75" got the name question again, as if it was not read)
                    dispatcher.utter_message(response="utter_dob_noted")
                other_ways_after_two_misses(dispatcher, tracker, slots)
            return {**kept, "verify_name": None, "identity_reask": True}
        if requested == "verify_dob" and dob is not None and slots.get("verify_name"):
            pair = given_identity(text, today)
            if pair is not None and normalize_name(" ".join(pair[0])) != normalize_name(
                str(slots["verify_name"])
            ):
                # "Mia Brooks" - "... date of birth?" - "Leo Brooks 2/20/2017": a new patient
                # Mia was booked with Leo's date of birth. The date goes with the name given.
                name, dob = pair
        if requested == "verify_dob" and dob is None:
            again = parse_full_name(text)
            if again and normalize_name(" ".join(again)) != normalize_name(
                str(slots.get("verify_name") or "")
            ):
                # "Carlos Rivera" - "... date of birth?" - "sorry, Carla Rivera": the name is
                # corrected, and the date of birth asked for it.
                return {"verify_name": f"{again[0]} {again[1]}", "verify_dob": None}
            impossible = impossible_date(text, today)
            if impossible is not None:
                # "02/30/1990": that it is not on the calendar, and the question again
                dispatcher.utter_message(response="utter_birth_date_impossible", date=impossible)
                return {
                    "verify_dob": None,
                    "partial_dob": None,
                    "birth_year_asked": False,
                    "birth_day_asked": False,
                    "identity_reask": False,
                    # (then "Thank you. And the date of birth, month first?" read oddly)
                    "birth_date_impossible": True,
                }
            said_day = birth_month_day(text, today)
            if said_day is not None:
                # "march 3": kept, and the year asked for (birth_year_asked).
                return {"verify_dob": None, "partial_dob": said_day, "birth_year_asked": True}
            year = None if kept_day else birth_year(text, today)
            if year is not None:
                # "1988": kept, and the month and day asked for (birth_day_asked).
                return {"verify_dob": None, "partial_dob": str(year), "birth_day_asked": True}
            # No year in the answer ("what year do you want?", "1950? or 51"): the year is
            # asked for again, the month and day kept.
            other_ways_after_two_misses(dispatcher, tracker, slots)
            return {"verify_dob": None, "identity_reask": True}
        if slots.get("identity_reask"):
            updates["identity_reask"] = False
        if name is not None and (first_half or slots.get("last_name_asked")):
            updates.update({"partial_name": None, "last_name_asked": False})
        if name is not None:
            updates["verify_name"] = f"{name[0]} {name[1]}"
        if dob is not None and requested in ("verify_name", "verify_dob"):
            updates["verify_dob"] = dob.isoformat()
            if kept_day or slots.get("birth_year_asked") or slots.get("birth_day_asked"):
                updates.update(
                    {"partial_dob": None, "birth_year_asked": False, "birth_day_asked": False}
                )
        elif name is not None and requested == "verify_name":
            said_day = birth_month_day(text, today)
            if said_day is not None:
                # "Emily Johnson, april 12": the year is what is still missing.
                updates.update({"partial_dob": said_day, "birth_year_asked": True})
        if requested == "new_phone":
            phone = find_phone(text)
            if phone is None and (
                says_this_number(text) or (YES_ONLY.match(text) and sender_phone(tracker))
            ):
                phone = self._texting_number(dispatcher, tracker)
                if phone is None:
                    return {"new_phone": None}
            if phone is None:
                return self._no_phone_given(dispatcher, tracker, text)
            updates["new_phone"] = phone
        merged = {**slots, **updates}
        if merged.get("verify_name") and merged.get("verify_dob"):
            if new_patient and not merged.get("new_phone"):
                return updates
            updates.update(self._check(dispatcher, tracker, merged, new_patient))
        return updates

    @staticmethod
    def _texting_number(dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
        """ "this number" by SMS: the number the patient texts from, said so. On the web there
        is none to see: they are asked to type it (not told again what a phone number is)."""
        phone = sender_phone(tracker)
        dispatcher.utter_message(
            response="utter_texting_number_kept" if phone else "utter_no_number_seen"
        )
        return phone

    @staticmethod
    def _no_phone_given(
        dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> dict[str, Any]:
        """No number at "What's the best phone number?": why it is asked, once; a second "no"
        (or no phone at all) ends the booking kindly, with the front desk's ways to book."""
        refused = WHY_OR_NO.search(text) or NO_PHONE.search(text)
        if refused and (NO_PHONE.search(text) or said_in_this_task(tracker, "utter_why_new_phone")):
            dispatcher.utter_message(response="utter_new_phone_declined")
            return {"new_phone": None, "identity_declined": True}
        dispatcher.utter_message(response="utter_why_new_phone" if refused else "utter_need_phone")
        return {"new_phone": None}

    @staticmethod
    def _typo_said(text: str, slots: dict[str, Any], requested: str) -> dict[str, Any]:
        """ "i typed my birthday wrong" after no match: the name just tried is kept and the
        date of birth asked for alone; "i spelled my name wrong": the name asked for again
        (the short question, identity_reask)."""
        tried = slots.get("tried_name")
        if requested == "verify_name" and tried and BIRTH_DATE_WORDS.search(text):
            return {"verify_name": str(tried), "verify_dob": None, "identity_reask": False}
        return {requested: None, "identity_reask": True}

    def _check(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slots: dict[str, Any],
        new_patient: bool,
    ) -> dict[str, Any]:
        birth_date = date.fromisoformat(str(slots["verify_dob"]))
        full_name = str(slots["verify_name"])
        on_sms = patient_channel(tracker) == "sms"
        try:
            lockout = verification_lockout()
            if lockout.is_locked(full_name):
                # Too many failed checks naming this person, in any conversation: refused
                # without looking, with the same reply and handoff as the last failed try
                # (whether or not such a patient exists).
                logger.info("identity not verified (too many failed checks for this name)")
                return self._give_up(dispatcher, slots)
        except LockoutStoreError:
            logger.error("verification limit store unavailable; identity not checked")
            return {"backend_error": True}
        result = verify_patient(
            scheduling_client(),
            full_name,
            birth_date,
            sender_phone_hash(tracker),
            require_phone=on_sms,
        )
        if result.status == "unavailable":
            return {"backend_error": True}
        try:
            if result.status == "verified":
                lockout.record_success(full_name)
            else:
                # Counted in the new-patient path too: "I'm new" must not allow unlimited
                # name + birth date guesses.
                lockout.record_failure(full_name)
        except LockoutStoreError:
            logger.error("verification limit store unavailable; identity not checked")
            return {"backend_error": True}
        if result.status == "verified" and result.patient is not None:
            logger.info("identity verified")
            return verified_slots(dispatcher, tracker, slots, result.patient, birth_date)
        if new_patient:
            # No record with these details: a genuinely new patient, created when booking.
            return {}
        attempts = int(slots.get("verify_attempts") or 0) + 1
        logger.info("identity not verified (attempt %s of %s)", attempts, MAX_ATTEMPTS)
        if attempts >= MAX_ATTEMPTS:
            return self._give_up(dispatcher, slots)
        early = self.no_match_early_responses
        asked = tracker.get_slot("requested_slot") in ("verify_name", "verify_dob")
        if early is not None and not asked:
            dispatcher.utter_message(response=early[on_sms])
        else:
            dispatcher.utter_message(
                response="utter_verification_no_match_sms" if on_sms else self.no_match_response
            )
        # The name is asked again in one short question (identity_reask), not the long one;
        # a corrected date of birth alone is taken for the name tried (tried_name).
        return {
            **ANSWERS_FORGOTTEN,
            "verify_attempts": float(attempts),
            "tried_name": full_name,
            "identity_reask": True,
        }

    @staticmethod
    def _give_up(dispatcher: CollectingDispatcher, slots: dict[str, Any]) -> dict[str, Any]:
        """No more tries here: say so (never why) and hand over to staff."""
        dispatcher.utter_message(response="utter_verification_failed")
        return {
            **ANSWERS_FORGOTTEN,
            "verify_attempts": float(int(slots.get("verify_attempts") or 0) + 1),
            "escalation_reason": "verification_failed",
        }
