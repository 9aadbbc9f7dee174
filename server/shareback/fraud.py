"""Fraud rules: one referral judged from facts the store gathers in its transaction. Pure: no
Starlette, no storage. Each rule has an action per campaign: allow (off), review (held in the
dashboard's review queue) or refuse (no reward); every verdict names the rules that fired."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache

from confusable_homoglyphs import confusables  # type: ignore[import-untyped]
from disposable_email_domains import blocklist

ACTIONS = ("allow", "review", "refuse")
VERDICTS = ("paid", "review", "refused")
REVIEW_VERDICTS = ("approved", "rejected")
# The rules that take an action, in the order a verdict names them.
ACTION_RULES = ("similar_email", "same_customer", "same_ip_device", "disposable_email", "velocity")
REASONS = {
    "similar_email": "self_referral_email",
    "same_customer": "self_referral_customer",
    "same_ip_device": "self_referral_ip",
    "disposable_email": "disposable_email",
    "velocity": "velocity",
}
MAX_DAILY_LIMIT = 10_000
MAX_REWARD_CAP = 1_000_000
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
# Marks that confusables.txt keeps around right-to-left prototypes; they are invisible.
BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")


@dataclass(frozen=True)
class FraudRules:
    """A campaign's rules. The defaults hold the doubtful for review and refuse only the certain."""

    similar_email: str = "review"  # the friend's mailbox looks like the advocate's (confusables)
    same_customer: str = "refuse"  # the order's customer account is the advocate's
    same_ip_device: str = "review"  # the order comes from the IP and device that clicked
    disposable_email: str = "review"  # the friend's address is a throwaway one
    velocity: str = "review"  # the advocate's referrals today pass daily_limit
    daily_limit: int = 10  # 0: no limit
    reward_cap: int = 0  # referrals that earn the advocate a reward; past it: refused. 0: no cap

    def as_dict(self) -> dict[str, str | int]:
        return asdict(self)


DEFAULT_RULES = FraudRules()


@dataclass(frozen=True)
class FraudFacts:
    advocate_email: str
    friend_email: str
    same_customer: bool  # one of the advocate's own orders carries the order's customer id
    click_ip_hash: str | None  # the click the order came through (None: no click, or no salt)
    order_ip_hash: str | None  # the order's IP hashed with the salt of the click's day
    click_device: str | None
    order_device: str | None  # None when the platform sent no user agent
    referrals_today: int  # the advocate's referrals on the order's shop day, this one left out
    rewarded_referrals: int  # the advocate's referrer rewards not revoked, this one left out


@dataclass(frozen=True)
class Verdict:
    verdict: str  # "paid" | "review" | "refused"
    reasons: tuple[str, ...]  # refusing rules first; ("passed",) when none fired

    @property
    def reason(self) -> str:
        return self.reasons[0]


def judge(rules: FraudRules, facts: FraudFacts) -> Verdict:
    fired: dict[str, str] = {}  # reason -> action
    if same_mailbox(facts.advocate_email, facts.friend_email):
        fired[REASONS["similar_email"]] = rules.similar_email
    if facts.same_customer:
        fired[REASONS["same_customer"]] = rules.same_customer
    if same_visitor(facts):
        fired[REASONS["same_ip_device"]] = rules.same_ip_device
    if is_disposable(facts.friend_email):
        fired[REASONS["disposable_email"]] = rules.disposable_email
    if rules.daily_limit and facts.referrals_today >= rules.daily_limit:
        fired[REASONS["velocity"]] = rules.velocity
    if rules.reward_cap and facts.rewarded_referrals >= rules.reward_cap:
        fired["reward_cap"] = "refuse"
    refused = tuple(reason for reason, action in fired.items() if action == "refuse")
    doubtful = tuple(reason for reason, action in fired.items() if action == "review")
    if refused:
        return Verdict("refused", refused + doubtful)
    if doubtful:
        return Verdict("review", doubtful)
    return Verdict("paid", ("passed",))


def same_visitor(facts: FraudFacts) -> bool:
    """The order's IP hashes to the click's, and its device (when known) is the click's."""
    if facts.click_ip_hash is None or facts.order_ip_hash != facts.click_ip_hash:
        return False
    return facts.order_device is None or facts.order_device == facts.click_device


@lru_cache(maxsize=1)
def _gmail_skeletons() -> frozenset[str]:
    return frozenset(skeleton(domain) for domain in GMAIL_DOMAINS)


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Each character Unicode's confusables.txt maps, to the prototype it is confused with.

    confusable_homoglyphs ships that table both ways round (a prototype lists every character
    confusable with it): a character with exactly one homoglyph is mapped to it, and of two
    characters that name only each other, the higher code point maps to the lower."""
    data: dict[str, list[dict[str, str]]] = confusables.confusables_data
    found: dict[str, str] = {}
    for char, glyphs in data.items():
        if len(char) != 1 or len(glyphs) != 1:
            continue
        target = glyphs[0]["c"].translate(BIDI_MARKS)
        back = data.get(target, [])
        if len(back) == 1 and back[0]["c"] == char and target > char:
            continue
        if target and target != char:
            found[char] = target
    return found


def skeleton(text: str) -> str:
    """Two strings that look alike have the same skeleton (UTS #39's idea: NFKC, case folded,
    each confusable character replaced by its prototype until none is left)."""
    prototypes = _prototypes()
    current = unicodedata.normalize("NFKC", text)  # case kept: "I" is confused with "l", not "i"
    for _ in range(4):  # prototypes of prototypes: a short chain at most
        mapped = "".join(prototypes.get(char, char) for char in current)
        mapped = unicodedata.normalize("NFKC", mapped).casefold()
        if mapped == current:
            break
        current = mapped
    return current


def mailbox(email: str) -> str:
    """The inbox an address reaches, as it looks: "+tag" and Gmail's dots dropped, then skeleton."""
    local, _, domain = skeleton(email.strip()).rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _gmail_skeletons():
        local, domain = local.replace(".", ""), "gmail"
    return f"{local}@{domain}"


def same_mailbox(advocate_email: str, friend_email: str) -> bool:
    """Alike as written ("Ian" and "lan": a capital I looks like an l) or alike once case is
    set aside, as mail servers set it aside ("Ivan" and "iv\\u0430n" with a Cyrillic a)."""
    if mailbox(advocate_email) == mailbox(friend_email):
        return True
    return mailbox(advocate_email.casefold()) == mailbox(friend_email.casefold())


def is_disposable(email: str) -> bool:
    """The domain, or a domain it is under, is on the disposable-email-domains list."""
    domain = unicodedata.normalize("NFKC", email.strip()).casefold().rpartition("@")[2]
    labels = domain.strip(".").split(".")
    return any(".".join(labels[n:]) in blocklist for n in range(len(labels) - 1))
