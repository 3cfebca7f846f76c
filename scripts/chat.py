"""``make shell``: chat with the running assistant over its REST webhook, in the terminal."""

from __future__ import annotations

import argparse
import uuid

import requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--sender", default=f"shell-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args()
    webhook = f"{args.url.rstrip('/')}/webhooks/rest/webhook"
    print(f"Chatting as {args.sender} with {webhook}. Ctrl-D or /quit to leave.\n")
    while True:
        try:
            text = input("you > ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.strip() == "/quit":
            return
        try:
            response = requests.post(
                webhook, json={"sender": args.sender, "message": text}, timeout=60
            )
            response.raise_for_status()
        except requests.RequestException as exc:
            print(f"(could not reach the assistant: {exc}; is `make run` running?)")
            continue
        for message in response.json():
            if message.get("text"):
                print(f"bot > {message['text']}")
            for i, button in enumerate(message.get("buttons") or [], start=1):
                print(f"      {i}. {button.get('title')}  [{button.get('payload')}]")


if __name__ == "__main__":
    main()
