from __future__ import annotations

from flask import Flask

from portal import create_app

from ..conftest import TEST_CONFIG


def test_an_unexpected_error_gives_a_friendly_page_that_reveals_nothing(database_url: str) -> None:
    app: Flask = create_app({**TEST_CONFIG, "DATABASE_URL": database_url,
                             "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail: password=hunter2")

    boom.is_public = True  # type: ignore[attr-defined]
    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "hunter2" not in page and "RuntimeError" not in page and "Traceback" not in page
    assert response.headers["Cache-Control"] == "no-store"
