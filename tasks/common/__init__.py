"""What several task handlers share: errors, settings, clients, records, mail."""
