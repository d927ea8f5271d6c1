import pytest


@pytest.fixture
def console(page) -> list[str]:
    """What went wrong in the browser while a test ran: script errors and warnings, uncaught exceptions, requests
    that failed and answers of 400 or more. A request the browser dropped itself because the page moved on
    (net::ERR_ABORTED, typically the favicon) is not the server failing and is left out."""
    messages = []
    page.on("console", lambda message: message.type in ("error", "warning") and messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.on(
        "requestfailed",
        lambda request: request.failure != "net::ERR_ABORTED" and messages.append(f"failed: {request.url}"),
    )
    page.on(
        "response", lambda response: response.status >= 400 and messages.append(f"{response.status}: {response.url}")
    )
    return messages
