"""Chapter 10's exercise checks: a right answer passes, wrong or empty answers get a hint, nothing raises."""

from nnbook.checks import model_web as check


def test_status_codes(capsys):
    assert check.status_codes(dict(check.STATUS_CODES))
    assert not check.status_codes(
        {
            "too_big": 400,
            "not_an_image": 400,
            "wrong_method": 405,
            "unknown_model": 404,
        }
    )
    assert "Payload Too Large" in capsys.readouterr().out
    assert not check.status_codes(
        {
            "too_big": ...,
            "not_an_image": ...,
            "wrong_method": ...,
            "unknown_model": ...,
        }
    )
    assert not check.status_codes(...)


def test_top_label(capsys):
    assert check.top_label(
        lambda answer: max(
            answer["top"], key=lambda item: item["probability"]
        )["label"]
    )
    assert not check.top_label(
        lambda answer: answer["top"][0]["label"]
    )  # trusts the order
    assert "largest probability" in capsys.readouterr().out
    assert not check.top_label(lambda answer: None)
    assert not check.top_label(
        lambda answer: answer["labels"]
    )  # raises KeyError: reported, not raised
    assert not check.top_label(...)
