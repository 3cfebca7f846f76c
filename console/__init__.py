"""Staff console: escalated conversations arrive here; staff answer on the patient's channel."""
