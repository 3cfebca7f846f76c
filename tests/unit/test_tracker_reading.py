"""Reading the conversation: the common question's answer the ResponseSelector picked."""

from actions.tracker_reading import selected_faq_key


def test_the_answer_picked_is_read_from_the_response_selector() -> None:
    parse_data = {
        "response_selector": {
            "faq": {"response": {"intent_response_key": "faq/running_late", "confidence": 0.9}}
        }
    }
    assert selected_faq_key(parse_data) == "faq/running_late"


def test_no_answer_picked_is_empty() -> None:
    assert selected_faq_key({}) == ""
    assert selected_faq_key({"response_selector": {"faq": {"response": {}}}}) == ""
    assert selected_faq_key({"response_selector": None}) == ""
