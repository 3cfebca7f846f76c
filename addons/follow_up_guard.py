"""Rasa NLU component: "ok now mine", "and for my son?" are follow-ups, read as ``out_of_scope``;
"till when?" and "how late?" ask the hours again; "is she taking new patients?" asks about the
clinician just named; "is it free?" asks the price of what was just talked about
(:mod:`actions.cost_follow_up`); "how do i get it?" asks how to get what a common question's
answer was about (:mod:`actions.how_to_get_it`); "any other times?" answers the times shown
(``inform``).

Alone, such a message names a person and no task: the task is the one just done (a balance or
the appointments looked up), which only the dialogue knows. The model guessed a booking for
"ok now mine" (0.91) and a goodbye for "ok and for my son?"; as ``out_of_scope`` they reach
``action_out_of_scope``, which repeats the last look-up for that person (actions/fallback.py,
``look_up_for_another``) or asks what to help them with. Placed before FallbackClassifier and
SafetyTriage, so an emergency in the same message still fires.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.capabilities import asks_what_i_can_do
from actions.cost_follow_up import is_cost_follow_up
from actions.how_to_get_it import is_how_long_it_takes, is_how_to_get_it
from actions.named_others import first_name_follow_up
from actions.refill_reply import running_low
from actions.second_request import READ_AS_KEY, request_in
from actions.still_seen import MARK_KEY as STILL_SEEN_MARK
from actions.still_seen import asks_still_seen_without_money
from actions.visit_request import asks_more_times
from addons.intent_override import RuleGuard, overrule
from addons.safety_triage import SAFETY_INTENTS
from addons.services_guard import faq_key

FOLLOW_UP_INTENT = "out_of_scope"
ANSWER_INTENT = "inform"
RELATIONS = (
    r"husband|wife|spouse|partner|son|daughter|child|kid|kids|baby|boy|girl|mom|mother|mum|dad|"
    r"father|grandma|grandmother|grandpa|grandfather|brother|sister|fianc[eé]e?|boyfriend|"
    r"girlfriend"
)
# Who: the writer, or someone by relation ("my son", "his sister's"), maybe with their name and
# date of birth ("my dad robert miller 11/2/1950").
WHO = (
    # ("and hers?" after "my wife wants to know hers too": the welcome menu)
    r"(?:hers|his|him|her|theirs|them|"
    r"me|mine|myself|my own|(?:my|his|her|our) (?:(?:other|little|older|younger) )?"
    rf"(?:{RELATIONS})(?:'?s)?(?:\W+[a-z'-]+(?:\s+[a-z'-]+){{1,2}}\W+\d{{1,2}}[/.-]\d{{1,2}}"
    r"[/.-]\d{2,4})?)"
)
# "right after hers", "same day as him": where the writer's own visit goes, after a relative's.
NEXT_TO = (
    r"(?:\W+(?:right |just |straight )?(?:after|before|next to|with|same (?:day|time)(?: as)?)"
    r" (?:him|her|hers|his|them|theirs|that one|that|it|[a-z]+'?s?))?"
)
# A follow-up is short and has a word that makes it one: "and", "now", "what about", "too".
FOLLOW_UP = re.compile(
    r"^\W*(?:(?:ok|okay|k|kk|great|thanks|thank you|thx|cool|perfect|alright|all right|got it)"
    r"\W+)?"
    r"(?:(?:and|now|what about|how about|and what about|same|same for|also|then)\W+"
    r"(?:(?:for|check|do|show)\W+)?"
    # ("ok and mine again?": the writer's own balance asked again, after a relative's)
    rf"{WHO}(?:\W+(?:too|as well|also|now|please|pls|plz|one|again))?{NEXT_TO}"
    rf"|{WHO}\W+(?:too|as well|also|now|next)(?:\W+(?:please|pls|plz))?{NEXT_TO})"
    r"\W*$",
    re.IGNORECASE,
)


# "till when?", "how late?" after the hours: the hours again ("till when?" was read as the
# appointments, and the patient asked for a name and birth date).
HOURS_INTENT = "clinic_hours"
HOURS_FOLLOW_UP = re.compile(
    r"^\W*(?:(?:ok|okay|and|so|thanks)\W+)?(?:(?:till|til|until|untill|up to) (?:when|what time)|"
    r"how late(?: (?:are|r) (?:you|u|they|it) open)?|what time (?:do|does) (?:you|u|it|they) "
    r"(?:close|open)|when (?:do|does) (?:you|u|it|they) (?:close|open))"
    r"(?: (?:then|that day|on (?:that day|saturday|sunday|\w+day)))?\W*$",
    re.IGNORECASE,
)


# "is she taking new patients?" after a clinician's answer: about that clinician (it started a
# booking); actions/clinicians.py reads who "she" is.
CLINICIANS_INTENT = "ask_clinicians"
CLINICIAN_FOLLOW_UP = re.compile(
    r"^\W*(?:(?:ok|okay|and|so|great|thanks)\W+)*(?:is (?:she|he) (?:taking|accepting|open to)"
    r"(?: on)? (?:new )?patients|does (?:she|he) (?:take|accept|see|treat) (?:new patients|kids|"
    r"children|babies|adults|teens|teenagers|men|women|seniors)|(?:what|which) days? (?:is|does) "
    r"(?:she|he)(?: (?:work|come in|see patients))?"
    # ("what days is she at the north office": an identity check for an appointment)
    r"(?: in| there| (?:at|in) (?:the )?\w+(?: office| clinic| location)?)?)"
    r"\W*(?:too|also)?\W*$",
    re.IGNORECASE,
)


# "and hers?", "what about him": someone spoken of before, whom only the dialogue knows.
PRONOUN_ONLY = re.compile(
    r"^\W*(?:(?:ok|okay|and|now|what about|how about|same for|also|then|for)\W+)*"
    r"(?:hers|his|him|her|theirs|them)\W*(?:(?:too|as well|also|now|please|pls|plz)\W*)*$",
    re.IGNORECASE,
)


def is_pronoun_follow_up(text: str) -> bool:
    """ "and hers?": a follow-up about someone named only earlier in the chat."""
    return is_follow_up(text) and bool(PRONOUN_ONLY.search(text or ""))


# "my wife wants to know hers too" (read as unsure: "Did you want to check what you owe?", and
# "and hers?" after it was taken for a no).
RELATIVE_TOO = re.compile(
    r"^\W*(?:(?:ok|okay|and|also|so)\W+)*"
    # "can u check my husbands too" (the visitor policy, 1.0)
    r"(?:(?:can|could|will|pls|please) (?:you |u )?(?:check|do|look up|see) )?"
    r"(?:my|our) (?:other )?(?:" + RELATIONS + r")(?:'?s)?"
    # "my husband robert needs his too"
    r"(?: (?!(?:wants|would|needs|wanted|asked|is|too|as|also|hers|his|theirs)\b)[a-z]+)?"
    r"(?: (?:wants|would like|needs|wanted|asked|is asking)(?: to (?:know|check|see|hear))?)?"
    r"(?: (?:hers|his|theirs|what (?:she|he|they) owes?|(?:her|his|their) (?:balance|bill)))?"
    r" (?:too|as well|also)\W*$",
    re.IGNORECASE,
)


def is_follow_up(text: str) -> bool:
    """Whether the message is only "and <someone>?" / "<someone> too": a task done again."""
    said = (text or "").replace("\u2019", "'")
    return bool(FOLLOW_UP.search(said) or RELATIVE_TOO.search(said))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FollowUpGuard(RuleGuard):
    """``out_of_scope`` for "now mine", "what about my wife?", "me too", "is it free?";
    ``inform`` for "any other times?"; ``clinic_hours`` for "till when?"; ``ask_clinicians``
    for "is she taking new patients?"."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            read_as = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if asks_what_i_can_do(text):
                # "what can you do" was a balance, "menu" a stop (actions/capabilities.py)
                overrule(message, FOLLOW_UP_INTENT)
            elif (
                is_cost_follow_up(text)
                or is_how_to_get_it(text)
                or is_how_long_it_takes(text)
                or (
                    running_low(text) and read_as not in SAFETY_INTENTS and request_in(text) is None
                )
            ):
                # "is it free?" after parking, "how do i get it then" after the doctor's-note
                # answer (directions, to the model), "how long does that take" after the
                # records answer (a visit's length), "i ran out yesterday" after the refill
                # answer (a look-up; actions/refill_reply.py): what "it" is, the dialogue knows
                message.set(READ_AS_KEY, read_as, add_to_output=True)
                overrule(message, FOLLOW_UP_INTENT)
            elif is_follow_up(text) or first_name_follow_up(text):
                # ("and liam?" after Emily's appointments: "Sorry, I didn't quite get that",
                # twice, and a handoff)
                overrule(message, FOLLOW_UP_INTENT)
            elif read_as == "faq" and asks_still_seen_without_money(text, faq_key(message)):
                # "will they still see me?" after the running-late answer: "Yes. A balance on
                # your account never stops you ..." (actions/still_seen.py)
                message.set(STILL_SEEN_MARK, True, add_to_output=True)
                overrule(message, FOLLOW_UP_INTENT)
            elif asks_more_times(text):
                # "something later" at the times shown was a goodbye ("Take care!"), "more
                # options" paying a bill: an answer to the booking's question
                overrule(message, ANSWER_INTENT)
            elif HOURS_FOLLOW_UP.search(text.replace("\u2019", "'")):
                overrule(message, HOURS_INTENT)
            elif CLINICIAN_FOLLOW_UP.search(text):
                overrule(message, CLINICIANS_INTENT)
        return messages
