"""HTTP clients of the action server: ``fhir`` (scheduling and billing API) and ``handoff``."""
