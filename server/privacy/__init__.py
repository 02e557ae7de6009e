"""Privacy and data rights: export, deletion, staff access and audit, usage statistics."""
