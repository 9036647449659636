import pytest

from shared.ids import has_prefix, new_id


def test_ids_carry_their_prefix_and_are_unique() -> None:
    ids = {new_id("pay") for _ in range(2000)}
    assert len(ids) == 2000
    assert all(has_prefix(value, "pay") for value in ids)
    assert not any(has_prefix(value, "re") for value in ids)


def test_unknown_prefix_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown id prefix"):
        new_id("payment")


@pytest.mark.parametrize(
    "value", ["pay_", "pay", "pay_abc", "pay_" + "a" * 21 + "!", "re_" + "a" * 22]
)
def test_has_prefix_rejects_malformed_ids(value: str) -> None:
    assert not has_prefix(value, "pay")
