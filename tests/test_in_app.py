"""In-app browsers told apart from browsers and from the same companies' preview bots, on real
user agents; and the friend's landing in one of them gets the code that still credits the
advocate."""

from __future__ import annotations

import pytest
from shareback import visitors
from shareback.in_app import attributing_code, in_app_browser
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import SHOP, db_rows, follow_link, join_campaign, order_paid, signed_headers

IN_APP = {
    "instagram": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 Instagram 309.1.1.28.108 (iPhone14,5; iOS 17_1_2; nl_NL; nl; "
        "scale=3.00; 1170x2532; 541635890)",
        "Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram "
        "309.0.0.40.113 Android (33/13; 480dpi; 1080x2340; samsung; SM-S911B; dm1q; qcom; nl_NL; "
        "541635863)",
    ],
    "facebook": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/441.0.0.23.105;FBBV/536347574;FBDV/iPhone14,5;"
        "FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/nl_NL;FBOP/5;FBRV/538021358]",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.230803.041; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/442.0.0.33.113;]",
        # Messenger's web view
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/428.0.0.41.106;FBBV/520209627;"
        "FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBCR/;FBID/phone;FBLC/nl_NL;FBOP/0]",
    ],
    "tiktok": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store "
        "ByteLocale/nl Region/NL RevealType/Dialog isDarkMode/0 WKWebView/1 "
        "BytedanceWebview/d8a21c6",
        "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 trill_320104 "
        "JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/32.1.4 "
        "ByteLocale/nl ByteFullLocale/nl Region/NL BytedanceWebview/d8a21c6",
    ],
    "linkedin": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 [LinkedInApp]/9.29.6476",
        "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 "
        "[LinkedInApp]/4.1.881",
    ],
    "snapchat": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Mobile/15E148 Snapchat/12.60.0.42 (like Safari/8616.2.9.10.10, panda)",
        "Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 "
        "Snapchat/12.60.0.42 (SM-S911B; Android 13#S911BXXU1AWJ1#33; gzip; )",
    ],
}
NOT_IN_APP = [
    # Browsers of their own
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) CriOS/119.0.6045.169 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0",
    # The same companies' link-preview fetchers
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; "
    "https://developers.snap.com/robots)",
    "WhatsApp/2.23.20.0 A",
    "",
]


@pytest.mark.parametrize(
    ("app", "agent"), [(app, agent) for app, agents in IN_APP.items() for agent in agents]
)
def test_in_app_browsers_are_known_by_their_user_agent(app: str, agent: str) -> None:
    assert in_app_browser(agent) == app
    # A person on a phone, not a bot: their click counts.
    assert visitors.device_class(agent) != "bot"


@pytest.mark.parametrize("agent", NOT_IN_APP)
def test_browsers_and_preview_bots_are_not_in_app_browsers(agent: str) -> None:
    assert in_app_browser(agent) is None


def test_the_code_that_credits_the_advocate_is_never_a_shared_one() -> None:
    assert attributing_code("WELKOM-7KQ2XM", True, "ANNA10", "ANNA-7KQ2") == "WELKOM-7KQ2XM"
    assert attributing_code("WELKOM", False, "ANNA10", "ANNA-7KQ2") == "ANNA10"
    assert attributing_code(None, False, None, "ANNA-7KQ2") == "ANNA-7KQ2"


def friend_landing(client: TestClient, ref: str, agent: str) -> dict[str, object]:
    response = client.get(
        "/api/v1/campaigns/default/widget",
        params={"ref": ref, "lang": "nl"},
        headers={"origin": SHOP, "user-agent": agent},
    )
    assert response.status_code == 200, response.text
    friend: dict[str, object] = response.json()["friend"]
    return friend


def test_a_friend_in_instagram_gets_the_advocates_code_to_type_at_the_checkout(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    anna = join_campaign(client, "anna@example.nl", "Anna de Vries")
    instagram = IN_APP["instagram"][0]
    ref = follow_link(client, str(anna["code"]), "native", user_agent=instagram)
    friend = friend_landing(client, ref, instagram)
    assert friend["in_app"] == "instagram"
    assert friend["code"] == anna["coupon_code"] or friend["code"] == anna["code"]
    assert friend["message"] == (
        "Anna geeft je 10% korting op je eerste bestelling. Bestel je later in een andere "
        f"browser? Vul dan bij het afrekenen code {friend['code']} in."
    )
    # The order placed later in another browser, without the cookie, with that code: Anna's.
    body = order_paid("1001", "bob@example.org", coupon_codes=[friend["code"]])
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m-1001")
    )
    assert answer.json()["status"] == "recorded", answer.text
    credited = db_rows(
        settings,
        "SELECT a.email, r.via FROM referrals r JOIN advocates a ON a.id = r.advocate_id",
    )
    assert [tuple(row) for row in credited] == [("anna@example.nl", "code")]
    # Safari on the same phone: no in-app banner.
    safari = NOT_IN_APP[0]
    plain = friend_landing(
        client, follow_link(client, str(anna["code"]), user_agent=safari), safari
    )
    assert "in_app" not in plain
    assert plain["code"] is None
