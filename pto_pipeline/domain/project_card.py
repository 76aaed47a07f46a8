"""project.yaml — the project card (SPEC §2).

`load_project_card` never raises: a missing or broken file gives an empty card and a
`PROJECT_CARD` finding; a field with a wrong value is dropped (default used) with a
finding; every required field left blank gets a finding naming it in Russian. Acts are
still generated from whatever is there, with visible blanks.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pto_pipeline.domain.findings import Finding
from pto_pipeline.domain.safe_yaml import YamlRefused, read_yaml_file
from pto_pipeline.domain.text import shorten

STAGE = "project_card"


def _scalar_text(value: Any) -> Any:
    """YAML reads `ogrn: 1021602836440` as int and `order: 2026-01-10` as a date: make text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class Sro(_Model):
    """Саморегулируемая организация, членом которой является лицо."""

    name: str = ""
    ogrn: str = ""
    inn: str = ""

    _text = field_validator("*", mode="before")(_scalar_text)


class Organization(_Model):
    name: str = ""
    ogrn: str = ""
    inn: str = ""
    address: str = ""
    phone: str = ""
    sro: Sro | None = None

    _text = field_validator("name", "ogrn", "inn", "address", "phone", mode="before")(_scalar_text)

    @field_validator("sro", mode="before")
    @classmethod
    def _sro(cls, value: Any) -> Any:
        """`sro: "СРО «...», ОГРН ..., ИНН ..."` as one line is accepted too."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            return {"name": value.strip()}
        return value


class Representative(_Model):
    position: str = ""
    name: str = ""  # ФИО
    order: str = ""  # распорядительный документ
    nrs_id: str = ""  # идентификационный номер в НРС
    organization: Organization | None = None  # when not the organisation of the role

    _text = field_validator("position", "name", "order", "nrs_id", mode="before")(_scalar_text)


class Organizations(_Model):
    developer: Organization = Field(default_factory=Organization)
    builder: Organization = Field(default_factory=Organization)
    designer: Organization = Field(default_factory=Organization)
    performer: Organization | None = None


class Representatives(_Model):
    developer_control: Representative = Field(default_factory=Representative)
    builder: Representative = Field(default_factory=Representative)
    builder_control: Representative = Field(default_factory=Representative)
    designer: Representative | None = None
    performer: Representative | None = None


class ProjectCard(_Model):
    name: str = ""
    address: str = ""
    package_format: Literal["unified", "repeated"] = "unified"
    copies: int = Field(default=3, ge=1, le=50)
    blocking_checks: bool = False
    organizations: Organizations = Field(default_factory=Organizations)
    representatives: Representatives = Field(default_factory=Representatives)

    _text = field_validator("name", "address", mode="before")(_scalar_text)

    @field_validator("package_format", mode="before")
    @classmethod
    def _format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def performer_organization(self) -> Organization:
        """Лицо, выполнившее работы: the performer when given, else the builder."""
        return self.organizations.performer or self.organizations.builder


# --- Russian names of the fields, for findings ------------------------------------

ORGANIZATION_ROLES_RU = {
    "developer": "застройщика (технического заказчика)",
    "builder": "лица, осуществляющего строительство",
    "designer": "лица, осуществляющего подготовку проектной документации",
    "performer": "лица, выполнившего работы",
}
REPRESENTATIVE_ROLES_RU = {
    "developer_control": "представителя застройщика (технического заказчика) по вопросам "
    "строительного контроля",
    "builder": "представителя лица, осуществляющего строительство",
    "builder_control": "представителя лица, осуществляющего строительство, по вопросам "
    "строительного контроля",
    "designer": "представителя лица, осуществляющего подготовку проектной документации",
    "performer": "представителя лица, выполнившего работы",
}
ORGANIZATION_FIELDS_RU = {
    "name": "наименование",
    "ogrn": "ОГРН",
    "inn": "ИНН",
    "address": "адрес",
    "phone": "телефон",
}
REPRESENTATIVE_FIELDS_RU = {
    "position": "должность",
    "name": "фамилия, имя, отчество",
    "order": "распорядительный документ (приказ о назначении)",
    "nrs_id": "идентификационный номер в НРС",
}
TOP_FIELDS_RU = {
    "name": "наименование объекта капитального строительства",
    "address": "адрес объекта",
    "package_format": "формат пакета (unified или repeated)",
    "copies": "число экземпляров акта (целое число от 1)",
    "blocking_checks": "блокирующие проверки (true или false)",
}
CONTROL_ROLES = ("developer_control", "builder_control")


def field_label(path: tuple[str, ...]) -> str:
    """Russian name of a field: ('organizations', 'developer', 'ogrn') -> «ОГРН застройщика…»."""
    if len(path) == 1:
        return TOP_FIELDS_RU.get(path[0], path[0])
    section, role, *rest = path
    if section == "organizations":
        field = rest[0] if rest else ""
        name = ORGANIZATION_FIELDS_RU.get(field, "сведения")
        return f"{name} {ORGANIZATION_ROLES_RU.get(role, role)}".strip()
    if section == "representatives":
        field = rest[0] if rest else ""
        name = REPRESENTATIVE_FIELDS_RU.get(field, "сведения")
        return f"{name} {REPRESENTATIVE_ROLES_RU.get(role, role)}".strip()
    return ".".join(path)


def missing_fields(card: ProjectCard) -> list[tuple[str, str]]:
    """Required fields left blank: (yaml path, Russian name)."""
    missing: list[tuple[str, ...]] = [(f,) for f in ("name", "address") if not getattr(card, f)]
    orgs = card.organizations
    for role in ("developer", "builder", "designer", "performer"):
        org = getattr(orgs, role)
        if org is None:
            continue
        missing += [
            ("organizations", role, f) for f in ORGANIZATION_FIELDS_RU if not getattr(org, f)
        ]
    reps = card.representatives
    for role in ("developer_control", "builder", "builder_control", "designer", "performer"):
        rep = getattr(reps, role)
        if rep is None:
            continue
        fields = ["position", "name", "order"] + (["nrs_id"] if role in CONTROL_ROLES else [])
        missing += [("representatives", role, f) for f in fields if not getattr(rep, f)]
    return [(".".join(path), field_label(path)) for path in missing]


def _format_problems(card: ProjectCard) -> list[tuple[str, str]]:
    """ОГРН/ИНН that cannot be right: (path, Russian description)."""
    problems = []
    for role in ("developer", "builder", "designer", "performer"):
        org = getattr(card.organizations, role)
        if org is None:
            continue
        who = ORGANIZATION_ROLES_RU[role]
        ogrn, inn = re.sub(r"\s", "", org.ogrn), re.sub(r"\s", "", org.inn)
        if ogrn and not re.fullmatch(r"\d{13}|\d{15}", ogrn):
            problems.append(
                (
                    f"organizations.{role}.ogrn",
                    f"ОГРН {who} «{org.ogrn}» должен состоять из 13 цифр (ОГРНИП — 15)",
                )
            )
        if inn and not re.fullmatch(r"\d{10}|\d{12}", inn):
            problems.append(
                (
                    f"organizations.{role}.inn",
                    f"ИНН {who} «{org.inn}» должен состоять из 10 цифр (у ИП — 12)",
                )
            )
    return problems


def _finding(message: str) -> Finding:
    return Finding("PROJECT_CARD", message, stage=STAGE, source_file="project.yaml")


def _drop(data: dict, loc: tuple) -> bool:
    """Remove the value at `loc` so validation can go on with the default."""
    node: Any = data
    keys = [k for k in loc if isinstance(k, str)]
    for key in keys[:-1]:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    if isinstance(node, dict) and keys and keys[-1] in node:
        del node[keys[-1]]
        return True
    return False


def _validate_leniently(data: dict) -> tuple[ProjectCard, list[Finding]]:
    findings: list[Finding] = []
    for _ in range(50):  # every round drops at least one bad value
        try:
            return ProjectCard.model_validate(data), findings
        except ValidationError as exc:
            dropped = False
            for error in exc.errors():
                loc = tuple(str(p) for p in error["loc"] if isinstance(p, str))
                # A value under a model-typed key (`sro: [..]`) reports its own path.
                path = loc[:3] if loc and loc[0] in ("organizations", "representatives") else loc
                if not path or not _drop(data, path):
                    continue
                dropped = True
                value = error.get("input")
                findings.append(
                    _finding(
                        f"project.yaml: поле {'.'.join(path)} ({field_label(path)}) имеет "
                        f"недопустимое значение «{shorten(value)}» — исправьте его; "
                        "пока используется значение по умолчанию."
                    )
                )
            if not dropped:
                break
    findings.append(
        _finding(
            "project.yaml: карточку объекта не удалось прочитать — проверьте "
            "структуру файла по шаблону `pto-pipeline init`."
        )
    )
    return ProjectCard(), findings


def load_project_card(path: Path) -> tuple[ProjectCard, list[Finding]]:
    """The card and PROJECT_CARD findings; never raises."""
    path = Path(path)
    try:
        raw = read_yaml_file(path)
    except FileNotFoundError:
        return ProjectCard(), [
            _finding(
                f"Не найден файл карточки объекта {path.name} — создайте его командой "
                "`pto-pipeline init` и заполните реквизиты; акты будут с пропусками."
            )
        ]
    except (OSError, UnicodeDecodeError) as exc:
        return ProjectCard(), [
            _finding(
                f"Файл {path.name} не читается ({type(exc).__name__}) — сохраните его в кодировке "
                "UTF-8."
            )
        ]
    except YamlRefused as exc:
        return ProjectCard(), [
            _finding(
                f"Файл {path.name} не принят: {exc} — пока карточка объекта пуста, акты будут "
                "с пропусками."
            )
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (строка {mark.line + 1}, позиция {mark.column + 1})" if mark else ""
        return ProjectCard(), [
            _finding(
                f"Файл {path.name} содержит ошибку YAML{where} — проверьте отступы, двоеточия и "
                "кавычки; пока карточка объекта пуста, акты будут с пропусками."
            )
        ]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return ProjectCard(), [
            _finding(
                f"Файл {path.name} должен содержать поля карточки (name, address, organizations, "
                "representatives …), а не список или строку — заполните его по шаблону."
            )
        ]
    card, findings = _validate_leniently(raw)
    for field_path, label in missing_fields(card):
        findings.append(
            _finding(
                f"project.yaml: не заполнено поле {field_path} — {label}. Заполните его: пока оно "
                "пустое, в актах остаётся пропуск."
            )
        )
    for field_path, problem in _format_problems(card):
        findings.append(_finding(f"project.yaml: {field_path}: {problem} — проверьте значение."))
    return card, findings
