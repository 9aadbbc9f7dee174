"""The coffees for sale: a fixed catalogue, kept in code because it is a demo."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    origin: str
    region: str
    roast: str  # "Licht", "Medium", "Donker"
    roast_level: int  # 1 (light) to 5 (dark), drawn as a small scale
    notes: tuple[str, ...]
    process: str
    altitude: str
    weight: str
    price: Decimal
    summary: str
    description: str
    best_for: str

    @property
    def image(self) -> str:
        return f"bag-{self.slug}.svg"


PRODUCTS: tuple[Product, ...] = (
    Product(
        slug="ethiopie-yirgacheffe",
        name="Yirgacheffe Kochere",
        origin="Ethiopië",
        region="Gedeo, Yirgacheffe",
        roast="Licht",
        roast_level=1,
        notes=("jasmijn", "bergamot", "witte perzik"),
        process="Gewassen",
        altitude="1.900–2.100 m",  # noqa: RUF001 (a typographic en dash)
        weight="250 g",
        price=Decimal("14.50"),
        summary="Bloemig en helder, als een kop Earl Grey met perzik.",
        description=(
            "Van kleine boerenfamilies rond het washing station Kochere. Na het plukken "
            "worden de bessen dezelfde dag gepulpt en gewassen, wat een opvallend schone, "
            "theeachtige kop geeft. Wij branden hem licht, zodat de bloemen blijven staan."
        ),
        best_for="Filter, V60, Chemex",
    ),
    Product(
        slug="colombia-huila",
        name="Huila El Paraíso",
        origin="Colombia",
        region="Huila, Pitalito",
        roast="Medium",
        roast_level=3,
        notes=("rode appel", "karamel", "cacao"),
        process="Gewassen",
        altitude="1.650 m",
        weight="250 g",
        price=Decimal("12.95"),
        summary="Zoet en rond: de koffie die iedereen lekker vindt.",
        description=(
            "Finca El Paraíso ligt hoog in de heuvels van Pitalito. De familie Cabrera "
            "droogt de bonen langzaam op verhoogde bedden. Een medium branding brengt "
            "karamel en appel in balans — heerlijk zwart én met melk."
        ),
        best_for="Filter, aeropress, cappuccino",
    ),
    Product(
        slug="kenia-nyeri",
        name="Nyeri Gatomboya AA",
        origin="Kenia",
        region="Nyeri, Mathira",
        roast="Licht",
        roast_level=2,
        notes=("zwarte bes", "grapefruit", "rietsuiker"),
        process="Gewassen",
        altitude="1.750 m",
        weight="250 g",
        price=Decimal("16.50"),
        summary="Sappig en uitgesproken, met een frisse, fruitige zuurgraad.",
        description=(
            "De coöperatie van Gatomboya verwerkt koffie van ruim achthonderd leden op "
            "de hellingen van Mount Kenya. AA staat voor de grootste bonen van de oogst. "
            "Verwacht zwarte bes en een lange, zoete afdronk."
        ),
        best_for="Filter, V60, cold brew",
    ),
    Product(
        slug="brazilie-cerrado",
        name="Cerrado Mineiro",
        origin="Brazilië",
        region="Minas Gerais, Patrocínio",
        roast="Medium-donker",
        roast_level=4,
        notes=("hazelnoot", "melkchocolade", "honing"),
        process="Natuurlijk",
        altitude="1.100 m",
        weight="250 g",
        price=Decimal("10.95"),
        summary="Nootachtig en vol, met weinig zuur. Troostkoffie.",
        description=(
            "Van de Fazenda Santa Luzia, waar de koffie in de zon aan de bes droogt. "
            "Dat geeft body en een natuurlijke zoetheid. Onze keuze voor de "
            "volautomaat en voor wie koffie graag zacht en vol drinkt."
        ),
        best_for="Volautomaat, mokapot, melk",
    ),
    Product(
        slug="espresso-grachtengordel",
        name="Grachtengordel espresso",
        origin="Blend",
        region="Brazilië & Guatemala",
        roast="Donker",
        roast_level=5,
        notes=("pure chocolade", "dadel", "geroosterde noten"),
        process="Natuurlijk & gewassen",
        altitude="1.100–1.600 m",  # noqa: RUF001
        weight="250 g",
        price=Decimal("11.95"),
        summary="Onze huisblend: stevig, zoet, met een dikke crema.",
        description=(
            "Twee derde Braziliaanse Cerrado voor body en zoetheid, een derde Guatemalteekse "
            "Huehuetenango voor een vleugje fruit. Ontwikkeld met de baristas van onze "
            "favoriete koffiebars aan de grachten."
        ),
        best_for="Espresso, flat white, latte",
    ),
    Product(
        slug="cafeinevrij-colombia",
        name="Cafeïnevrij Tolima",
        origin="Colombia",
        region="Tolima, Planadas",
        roast="Medium",
        roast_level=3,
        notes=("cranberry", "bruine suiker", "vanille"),
        process="Suikerriet-decaf",
        altitude="1.800 m",
        weight="250 g",
        price=Decimal("12.50"),
        summary="Alle smaak, geen cafeïne. Ook om tien uur 's avonds.",
        description=(
            "De cafeïne wordt eruit gehaald met ethylacetaat uit gefermenteerd suikerriet, "
            "vlak bij de boerderij. Geen chemische smaak, wel cranberry en bruine suiker. "
            "Niemand proeft dat het decaf is."
        ),
        best_for="Filter, espresso, avondkoffie",
    ),
)

_BY_SLUG = {product.slug: product for product in PRODUCTS}


def find_product(slug: str) -> Product | None:
    return _BY_SLUG.get(slug)
