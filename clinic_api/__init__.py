"""The embedded scheduling and billing backend: a small FHIR R4 server on SQLite.

It implements exactly what the assistant's FHIR client uses (``actions/clients/fhir.py``):
read, search (GET and ``POST _search``), create and update (with ``If-Match``) of Patient,
Practitioner, Location, Schedule, Slot, Appointment and Invoice, under ``/fhir``.

Start it with ``python -m clinic_api`` (see ``__main__``); build it in tests with
:func:`clinic_api.app.create_app`.
"""

from clinic_api.app import create_app

__all__ = ["create_app"]
