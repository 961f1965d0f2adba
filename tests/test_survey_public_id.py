"""Survey ids that are safe to type after a CLI command."""

from __future__ import annotations

from cxaudit.models.survey import new_public_id


def test_public_ids_start_alphanumeric():
    # A random id starts with "-" or "_" once in 32, so 2,000 ids would show it.
    first_characters = {new_public_id()[0] for _ in range(2000)}

    assert all(character.isalnum() for character in first_characters)


def test_public_ids_keep_their_length():
    assert {len(new_public_id()) for _ in range(100)} == {12}
