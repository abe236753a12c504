"""Lists: ``limit`` (default 100, at most 1000) and an opaque ``cursor``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from lotline.errors import InvalidInput

T = TypeVar("T")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith("o") and text[1:].isdigit():
            return int(text[1:])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput(
        "The cursor is not one this server gave; start again without a cursor.",
        details={"cursor": cursor},
    )


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
) -> Paging:
    return Paging(limit, _decode(cursor) if cursor else 0)


Pages = Annotated[Paging, Depends(paging)]


def page(
    items: Sequence[T], paging: Paging, render: Callable[[Sequence[T]], Sequence[Any]] | None = None
) -> dict[str, Any]:
    """One page of ``items``; ``render`` turns the page's items into their JSON form."""
    chosen = items[paging.offset : paging.offset + paging.limit]
    more = paging.offset + paging.limit < len(items)
    return {
        "items": list(render(chosen) if render else chosen),
        "next_cursor": _encode(paging.offset + paging.limit) if more else None,
    }
