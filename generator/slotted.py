"""Quick pickling for the frozen, slotted dataclasses that hold the site.

Views are pickled once per page (the page cache hashes them) and pages and rendered bodies come
back from the workers pickled. The `__getstate__` that `dataclass(slots=True)` adds calls
`dataclasses.fields()` for every object, which was half the cost of pickling a view; these read
the slots with one C-level attrgetter. Nothing pickled this way outlives the generator's version:
the caches that store pickles are keyed by a hash of its source."""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

T = TypeVar("T")


def picklable(cls: type[T]) -> type[T]:
    """Give a slotted dataclass a fast `__getstate__` (a tuple of its fields) and `__setstate__`."""
    names = tuple(field.name for field in dataclasses.fields(cls))  # type: ignore[arg-type]
    get = operator.attrgetter(*names)
    setattr_ = object.__setattr__

    def __getstate__(self: Any) -> tuple[Any, ...]:  # noqa: N807
        return get(self) if len(names) > 1 else (get(self),)

    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:  # noqa: N807
        for name, value in zip(names, state, strict=True):
            setattr_(self, name, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls
