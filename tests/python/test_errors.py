"""The exception hierarchy: a class per core code, the right builtins, fields and causes."""

from __future__ import annotations

import pytest

import sitebuilder
from sitebuilder import errors

BUILTIN = {
    "invalid_input": ValueError,
    "not_found": LookupError,
    "provider_unavailable": ConnectionError,
    "invalid_ai_output": ValueError,
    "json": ValueError,
    "configuration": ValueError,
    "file_storage": OSError,
    "migration_required": RuntimeError,
    "database": RuntimeError,
}


def test_every_core_code_has_its_own_class() -> None:
    assert len(sitebuilder.ERROR_CODES) >= 18
    classes = {}
    for code in sitebuilder.ERROR_CODES:
        cls = errors.error_class(code)
        assert cls is not sitebuilder.SiteBuilderError, f"{code} has no class"
        assert issubclass(cls, sitebuilder.SiteBuilderError)
        assert cls.code == code
        assert cls.__module__ == "sitebuilder"
        assert getattr(sitebuilder, cls.__name__) is cls, f"{cls.__name__} not exported"
        classes[code] = cls
    assert len(set(classes.values())) == len(classes)


@pytest.mark.parametrize("code", sorted(BUILTIN))
def test_classes_subclass_the_fitting_builtin(code: str) -> None:
    exc = sitebuilder.errors.error_for_code(code, "boom")
    assert isinstance(exc, BUILTIN[code])
    assert isinstance(exc, sitebuilder.SiteBuilderError)
    assert exc.code == code and exc.message == "boom" and str(exc) == "boom"
    with pytest.raises(BUILTIN[code]):
        raise exc


def test_named_classes_and_fields() -> None:
    exc = sitebuilder.errors.error_for_code("insufficient_credits", "need more", required=50, available=20)
    assert isinstance(exc, sitebuilder.InsufficientCreditsError)
    assert (exc.required, exc.available) == (50, 20)
    assert issubclass(sitebuilder.ProviderUnavailableError, sitebuilder.ProviderError)
    assert issubclass(sitebuilder.ProviderRejectedError, sitebuilder.ProviderError)
    assert issubclass(sitebuilder.InvalidAIOutputError, sitebuilder.AIOutputError)
    assert issubclass(sitebuilder.NotFoundError, LookupError)
    assert issubclass(sitebuilder.InvalidInputError, ValueError)
    assert not issubclass(sitebuilder.InsufficientCreditsError, ValueError)


def test_unknown_code_falls_back_to_the_base_class() -> None:
    exc = sitebuilder.errors.error_for_code("some_future_code", "new")
    assert type(exc) is sitebuilder.SiteBuilderError
    assert exc.code == "some_future_code"


def test_real_errors_carry_the_cause_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A database that cannot be opened: the driver's error is the __cause__.
    with pytest.raises(sitebuilder.SiteBuilderError) as caught:
        sitebuilder.SiteBuilder("postgres://postgres@127.0.0.1:1/nothing", provider=sitebuilder.Offline())
    err = caught.value
    assert err.code in ("database", "configuration")
    assert err.__cause__ is not None, "the driver's error is kept as __cause__"
    assert str(err.__cause__)


def test_bad_provider_name_is_invalid_input() -> None:
    with pytest.raises(sitebuilder.InvalidInputError):
        sitebuilder.SiteBuilder("memory:", provider="gpt-please")
