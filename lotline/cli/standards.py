"""Commands for the supply chain's standards: labels, EPCIS and FSMA 204 files, partners.

lotline labels PRODUCT [LOT...] [--mo NAME] --pdf F | --zpl F
lotline export epcis [--from D --to D] [--product P] [--lot L] -o F.jsonld
lotline export fsma204 --from D --to D [--product P] [--lot L] -o F.xlsx|F.csv
lotline import epcis F.jsonld
lotline partners add|list|site ...
lotline lots one-step PRODUCT LOT
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

import lotline
from lotline.cli.common import app, fail, run, say
from lotline.cli.output import (
    Column,
    ExcelOption,
    Format,
    FormatOption,
    LimitOption,
    date_text,
    listing,
    quantity_text,
    write,
)
from lotline.cli.trace import lots_app
from lotline.models import Address, Partner

export_app = typer.Typer(
    help="Export EPCIS events or the FSMA 204 spreadsheet.", no_args_is_help=True
)
import_app = typer.Typer(help="Import what partners send (EPCIS).", no_args_is_help=True)
partners_app = typer.Typer(help="Suppliers, customers and our sites.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
app.add_typer(partners_app, name="partners")

FromOption = Annotated[
    datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD).")
]
ToOption = Annotated[
    datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day, included.")
]
ProductOption = Annotated[str | None, typer.Option("--product", help="Only this product.")]
LotOption = Annotated[str | None, typer.Option("--lot", help="Only this lot or serial number.")]
OutOption = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]


def _end(day: datetime | None) -> datetime | None:
    return day + timedelta(days=1) if day is not None else None


@app.command("labels")
def labels(
    product: Annotated[str, typer.Argument(help="Product code (with a GTIN)")],
    lots: Annotated[list[str] | None, typer.Argument(help="Lots or serial numbers")] = None,
    mo: Annotated[
        str | None, typer.Option("--mo", help="Every lot/serial this order made.")
    ] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write one PDF of labels.")] = None,
    zpl: Annotated[
        Path | None, typer.Option("--zpl", help="Write ZPL for a label printer.")
    ] = None,
) -> None:
    """Print GS1 DataMatrix labels: one per lot or serial number."""
    if (pdf is None) == (zpl is None):
        fail("Give one of --pdf FILE or --zpl FILE.")
    target = pdf or zpl
    assert target is not None
    data = run(lambda a: a.labels.render(product, lots or [], "pdf" if pdf else "zpl", mo=mo))
    target.write_bytes(data)
    say(f"Wrote the labels to {target}.")


@export_app.command("epcis")
def export_epcis(
    output: OutOption,
    start: FromOption = None,
    end: ToOption = None,
    product: ProductOption = None,
    lot: LotOption = None,
    epc: Annotated[bool, typer.Option("--epc", help="EPC URIs instead of Digital Links.")] = False,
    prefix_length: Annotated[
        int | None, typer.Option("--company-prefix-length", help="GS1 company prefix length.")
    ] = None,
) -> None:
    """The ledger's receipts, deliveries, production and adjustments as an EPCIS 2.0 document."""

    def work(a: lotline.Lotline) -> str:
        document = a.exports.epcis(
            start,
            _end(end),
            product,
            lot,
            identifiers="epc" if epc else "digital_link",
            company_prefix_length=prefix_length,
        )
        output.write_text(a.exports.epcis_json(document), encoding="utf-8")
        return f"Wrote {len(document['epcisBody']['eventList'])} EPCIS events to {output}."

    say(run(work))


@export_app.command("fsma204")
def export_fsma204(
    output: OutOption,
    start: FromOption = None,
    end: ToOption = None,
    product: ProductOption = None,
    lot: LotOption = None,
) -> None:
    """The FDA's FSMA 204 sortable spreadsheet (.xlsx with explanations, or .csv)."""
    if output.suffix.lower() not in (".xlsx", ".csv"):
        fail(f"Write the spreadsheet to a .xlsx or .csv file, not {output.name}.")

    def work(a: lotline.Lotline) -> int:
        rows = a.exports.fsma204(
            start, _end(end), [product] if product else None, [lot] if lot else None
        )
        if output.suffix.lower() == ".csv":
            output.write_text(a.exports.fsma204_csv(rows), encoding="utf-8")
        else:
            a.exports.fsma204_xlsx(rows, output)
        return len(rows)

    say(f"Wrote {run(work)} rows to {output}.")


@import_app.command("epcis")
def import_epcis(
    path: Annotated[Path, typer.Argument(help="EPCIS document (.jsonld / .json)")],
    to: Annotated[str, typer.Option("--to", help="Receive into this location.")] = "WH/Stock",
) -> None:
    """A supplier's EPCIS shipping events as a draft receipt, ready to validate on arrival."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"Cannot read {path}: {exc.strerror}.")
    receipt = run(lambda a: a.imports.epcis(text, to))
    say(f"{receipt.name} is ready to validate on arrival ({receipt.partner or 'no partner'}):")
    for line in receipt.lines:
        say(f"  {line.product}: {quantity_text(line.quantity)} ({len(line.lots)} lots/serials)")


def _address_options(
    gln: str | None,
    address: str | None,
    city: str | None,
    state: str | None,
    postal_code: str | None,
    country: str | None,
    phone: str | None,
) -> dict[str, str]:
    given = {
        "gln": gln,
        "address": address,
        "city": city,
        "state": state,
        "postal_code": postal_code,
        "country": country,
        "phone": phone,
    }
    return {key: value for key, value in given.items() if value is not None}


GlnOption = Annotated[str | None, typer.Option("--gln", help="Global Location Number.")]
AddressOption = Annotated[str | None, typer.Option("--address", help="Street address.")]
CityOption = Annotated[str | None, typer.Option("--city")]
StateOption = Annotated[str | None, typer.Option("--state")]
PostalOption = Annotated[str | None, typer.Option("--postal-code")]
CountryOption = Annotated[str | None, typer.Option("--country")]
PhoneOption = Annotated[str | None, typer.Option("--phone")]


@partners_app.command("add")
def partners_add(
    name: Annotated[str, typer.Argument(help="Partner name")],
    gln: GlnOption = None,
    address: AddressOption = None,
    city: CityOption = None,
    state: StateOption = None,
    postal_code: PostalOption = None,
    country: CountryOption = None,
    phone: PhoneOption = None,
) -> None:
    """Add a supplier or customer with its GLN and address."""
    values = _address_options(gln, address, city, state, postal_code, country, phone)
    made = run(lambda a: a.partners.create(name, **values))
    say(f"Added partner {made.name}.")


@partners_app.command("list")
def partners_list(
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
) -> None:
    """Every partner with its GLN and address."""
    rows = run(lambda a: a.partners.list())
    write(rows, PARTNER_COLUMNS, listing(format, limit, excel), title="Partners")


@partners_app.command("site")
def partners_site(
    location: Annotated[str, typer.Argument(help="Our location, e.g. WH")],
    gln: GlnOption = None,
    address: AddressOption = None,
    city: CityOption = None,
    state: StateOption = None,
    postal_code: PostalOption = None,
    country: CountryOption = None,
    phone: PhoneOption = None,
) -> None:
    """Describe one of our sites (GLN, address); its child locations share it."""
    values = _address_options(gln, address, city, state, postal_code, country, phone)
    site = run(lambda a: a.partners.describe_site(location, **values))
    say(f"{site.location}: {_place(site.place) or 'no description'}")


def _place(place: Address) -> str:
    parts = (place.address, place.city, place.state, place.postal_code, place.country)
    text = ", ".join(part for part in parts if part)
    return f"{text}; GLN {place.gln}" if place.gln else text


PARTNER_COLUMNS: list[Column[Partner]] = [
    Column("Name", "name", lambda p: p.name),
    Column("GLN", "gln", lambda p: p.place.gln),
    Column("Address", "address", lambda p: _place(p.place).split("; GLN")[0]),
    Column("Phone", "phone", lambda p: p.place.phone),
]


@lots_app.command("one-step")
def one_step(
    product: Annotated[str, typer.Argument(help="Product code")],
    lot: Annotated[str, typer.Argument(help="Lot or serial number")],
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
) -> None:
    """One step back and one step forward: the lot's immediate suppliers and customers."""
    steps = run(lambda a: a.exports.one_step(product, lot))
    rows = [
        (label, row)
        for label, part in (("back", steps.back), ("forward", steps.forward))
        for row in part
    ]
    title = f"{steps.product} {steps.lot}: one step back, one step forward"
    write(rows, STEP_COLUMNS, listing(format, limit, excel), title=title)


STEP_COLUMNS: list[Column[tuple[str, Any]]] = [
    Column("Step", "step", lambda r: r[0]),
    Column("Kind", "kind", lambda r: r[1].kind),
    Column("Partner", "partner", lambda r: r[1].partner or "(our production)"),
    Column("Document", "document", lambda r: r[1].document),
    Column("Date", "date", lambda r: date_text(r[1].date)),
    Column("Quantity", "quantity", lambda r: r[1].quantity, right=True),
]
