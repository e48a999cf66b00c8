"""What the flows need from the composition root, as small protocols: the flows reach the
implementations (bot/geo.py, bot/photos.py, bot/geocode.py) only through `ctx.service(name)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

GEO, PHOTOS, GEOCODER, LIMITS, CERTIFICATES = "geo", "photos", "geocoder", "limits", "certificates"
POSTERS = "posters"
BLUR = "blur"  # a BlurService: the public copies of photos (faces and number plates blurred)
DEEP_LINKS = "deep_links"  # a handlers.deep_links.DeepLinks: makes t.me / wa.me links


@dataclass(frozen=True, slots=True)
class UsageLimits:
    """Limits per person (handlers.usage counts them); `salt` keys the counters so that they
    outlive /forget without naming anyone (storage.limits)."""

    salt: str
    reports_per_day: int = 10
    duplicate_checks_per_day: int = 20


class PhotoRejected(Exception):
    """`reason`: 'too_large' (bytes), 'too_many_pixels', 'not_image', 'broken'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NamedArea(Protocol):
    def name(self, language: str) -> str: ...


class RegionLike(NamedArea, Protocol):
    code: str


class DistrictLike(NamedArea, Protocol):
    pcode: str
    region_code: str


class PlaceLike(Protocol):
    region: RegionLike
    district: DistrictLike | None


class GeoService(Protocol):
    regions: dict[str, Any]
    districts: dict[str, Any]

    def locate(self, latitude: float, longitude: float) -> PlaceLike | None: ...

    def region_list(self, language: str) -> list[Any]: ...

    def distance_m(self, a: tuple[float, float], b: tuple[float, float]) -> float: ...


class StoredPhotoLike(Protocol):
    sha256: str

    def to_json(self) -> dict[str, Any]: ...


class PhotoService(Protocol):
    async def ingest(self, data: bytes) -> StoredPhotoLike:
        """Raises PhotoRejected."""
        ...

    def hash_distance(self, a: str, b: str) -> int: ...


class BlurService(Protocol):
    async def make(self, original_path: str, extra: list[list] = (), *, whole: bool = False) -> tuple[str, list[list]]:
        """Write the public copy of a stored photo: detected faces and plates, the `extra` boxes
        ([kind, x, y, w, h]) or, when `whole`, all of it blurred. (public path, boxes found)."""
        ...


class GeocoderService(Protocol):
    async def geocode(self, address: str) -> tuple[float, float] | None:
        """(latitude, longitude) of an address in Kazakhstan, or None if not found."""
        ...


@dataclass(frozen=True, slots=True)
class CertificateText:
    """What a certificate says, already translated: the renderer only lays it out."""

    title: str
    programme: str
    awarded_to: str
    name: str
    lines: tuple[str, ...]  # the person's figures: trees planted, species, dates
    footer: str  # the date of issue


class CertificateRenderer(Protocol):
    def unsupported(self, text: str) -> str:
        """The characters of `text` the certificate's font has no glyph for ("" if none)."""
        ...

    async def render(self, certificate: CertificateText) -> bytes:
        """A PNG."""
        ...


@dataclass(frozen=True, slots=True)
class PosterText:
    """What an event's poster says, already translated, and the link its QR code carries."""

    programme: str
    heading: str  # the kind of event: «Сенбілік»
    title: str
    lines: tuple[str, ...]  # time, place, what to bring
    call: str  # "scan the code to sign up"
    link: str


class PosterRenderer(Protocol):
    async def render(self, poster: PosterText) -> bytes:
        """A PNG."""
        ...


CHARTS = "charts"  # a ChartRenderer: the /stats and region comparison pictures


@dataclass(frozen=True, slots=True)
class StatsChart:
    """The /stats picture, already translated: the renderer only draws. `statuses` are
    (status code, its name, count); the code picks the status's colour. `months` are month names
    from Babel, with reports received and cleaned in each."""

    language: str  # for the digits (Babel)
    title: str
    subtitle: str  # the place and the date
    statuses_title: str
    statuses: tuple[tuple[str, str, int], ...]
    months_title: str
    months: tuple[str, ...]
    received: tuple[int, ...]
    cleaned: tuple[int, ...]
    received_label: str
    cleaned_label: str


@dataclass(frozen=True, slots=True)
class ComparisonChart:
    """The 20 regions ranked twice: open reports per 100,000 people (a region without a known
    population is left out of that panel) and the share cleaned within the target time."""

    language: str
    title: str
    subtitle: str
    per_100k_title: str
    per_100k: tuple[tuple[str, float], ...]  # (region name, value), best (fewest) first
    in_target_title: str
    in_target: tuple[tuple[str, float], ...]  # (region name, share 0..1), best first
    footnote: str  # the population figures' source
    legend: tuple[str, str] = ("", "")  # labels of the lagging quarter's colour and of the others'


@dataclass(frozen=True, slots=True)
class RegionMap:
    """A region's map for its digest: its districts, its cities named, a dot per report coloured
    by status, with a title, the date and a legend, already translated."""

    language: str
    region_code: str
    title: str
    subtitle: str  # the date
    legend: tuple[tuple[str, str], ...]  # (status code, its name), the statuses drawn
    points: tuple[tuple[float, float, str], ...]  # (latitude, longitude, status code)


class ChartRenderer(Protocol):
    async def stats(self, chart: StatsChart) -> bytes:
        """A PNG."""
        ...

    async def comparison(self, chart: ComparisonChart) -> bytes:
        """A PNG."""
        ...

    async def region_map(self, region_map: RegionMap) -> bytes:
        """A PNG."""
        ...
