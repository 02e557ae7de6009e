"""What a member shares publicly: the public profile page and testimonials."""

from __future__ import annotations

from app.core.api.transport import Transport
from app.core.privacy_data import PublicProfileSettings, Testimonial


class SharingApi(Transport):
    """/me/public-profile and /me/testimonials (server/http/public_profile.py, testimonials.py)."""

    async def public_profile(self) -> PublicProfileSettings:
        """The public profile settings (off until changed) and the page's path."""
        return PublicProfileSettings.from_json(await self._request("GET", "/me/public-profile"))

    async def set_public_profile(
        self, enabled: bool, fields: list[str], bio: str | None
    ) -> PublicProfileSettings:
        """Turn the public page on or off and choose what it shows."""
        body = {"enabled": enabled, "fields": list(fields), "bio": bio or None}
        return PublicProfileSettings.from_json(
            await self._request("PUT", "/me/public-profile", body)
        )

    async def my_testimonials(self) -> list[Testimonial]:
        """The member's testimonials, newest first."""
        data = await self._request("GET", "/me/testimonials")
        return [Testimonial.from_json(item) for item in data.get("testimonials", [])]

    async def submit_testimonial(self, body: str, display_name: str) -> Testimonial:
        """Submit a testimonial with the member's consent to publish it."""
        payload = {"body": body, "display_name": display_name, "consent": True}
        return Testimonial.from_json(await self._request("POST", "/me/testimonials", payload))

    async def withdraw_testimonial(self, testimonial_id: int) -> None:
        """Withdraw a testimonial; it stops being shown at once."""
        await self._request("DELETE", f"/me/testimonials/{testimonial_id}")
