"""Testimonials: submitted with consent, approved by an admin, withdrawable at any time."""
