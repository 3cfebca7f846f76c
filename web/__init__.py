"""The patient chat widget (``web/widget/``) and a demo clinic page that embeds it.

``python -m web`` serves both (``make run`` starts it on ``WEB_PORT``, default 8081).
"""
