"""The fill-in workbook (``python -m zoneopt template --out 规划.xlsx``): a sheet per table of
:mod:`zoneopt.instance.sheets` with every column the schema has, headers in English (the key,
first line) and Chinese with the unit (second line), a comment on each header (what it means,
what it takes), data validation (the choices of a field with fixed values; numbers ≥ 0 or > 0
or between 0 and 1 where the schema says so) and a README sheet. Given an instance, the
template is written filled in with it, and reading it back gives the same instance.

The template is the schema drawn as sheets, so it lives with the schema; it knows nothing of
plans. :mod:`zoneopt.instance.workbook` reads what it writes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zoneopt.files import atomic_write, is_formula_like, keep_as_text
from zoneopt.instance.common import MoneyUnit
from zoneopt.instance.evaluation import Criterion, Evaluation
from zoneopt.instance.fields import Kind, kind_at, leaf_paths
from zoneopt.instance.model import Instance
from zoneopt.instance.pools import POLLUTANTS, EmissionObjective, FundObjective, FundPool, Objective
from zoneopt.instance.portfolio import Project
from zoneopt.instance.rules import (
    ExcludeRule,
    GroupBounds,
    GroupBoundsRule,
    LeverageCap,
    Lock,
    LockRule,
    RequestCapRule,
    TiltRule,
    ZoneBounds,
    ZoneBoundsRule,
)
from zoneopt.instance.sheets import (
    CRITERIA_LAYOUT,
    ENTERPRISE_LAYOUT,
    LAND_RULE_LAYOUT,
    PROJECT_LAYOUT,
    ZONE_LAYOUT,
    instance_tables,
    pool_column,
)
from zoneopt.instance.tables import Path as FieldPath
from zoneopt.instance.zones import Enterprise

SHEET_ORDER = ("settings", "zones", "pools", "rules", "evaluations", "criteria", "scenarios", "projects", "enterprises")
"""The sheets in the order the template shows them (after README)."""
VALIDATED_ROWS = 20_000
"""Data validation covers the rows up to this one."""

_MONEY_SHORT = {"yuan": "元", "wan_yuan": "万元", "yi_yuan": "亿元"}

LABELS: dict[str, str] = {
    # zones
    "id": "编号", "name": "名称", "city": "所在市", "county": "所在县（市、区）",
    "level": "级别：national 国家级 / provincial 省级 / other 其他",
    "kind": "类型：etdz 经开区 / hitech 高新区 / cluster 产业集聚区 / bonded 综合保税区 / other 其他",
    "tags": "标签（逗号分隔）", "land_area_mu": "现有土地面积（亩）",
    "tax": "税收（{money}/年）", "value_added": "增加值（{money}/年）", "revenue": "营业收入（{money}/年）",
    "rd_spending": "研发经费（{money}/年）", "energy_tce": "能源消费量（吨标煤/年）", "employees": "从业人员（人）",
    "energy_reduction_tce": "能源消费存量削减量（吨标煤/年）",
    "emissions_{p}_t": "{p} 排放量（吨/年）", "request_{p}_t": "申请 {p} 排污权指标（吨/年）",
    "grade": "评价等次 A/B/C/D", "score": "评价得分（越高越好）", "meets_env_standards": "环保达标（TRUE/FALSE）",
    "request_land_mu": "申请新增建设用地（亩）", "request_funds": "申请基金（{money}）",
    "request_funds_investment": "基金撬动的投资（{money}）",
    "request_funds_expected_tax": "该投资预期年税收（{money}/年）",
    "lon": "经度（度）", "lat": "纬度（度）", "x_km": "平面坐标 x（千米）", "y_km": "平面坐标 y（千米）",
    # pools
    "resource": "资源：land 用地 / emissions 各污染物共用 / 污染物名（SO2…）/ funds 基金",
    "total": "总量（亩 / 吨/年 / {money}）", "exact": "必须全部分配（TRUE/FALSE）",
    "step": "分配单位：整地块（亩）或基金批次（{money}）", "source": "政策依据（条款）",
    "sector_priority": "产业优先权重（产业=权重, …）", "emerging_priority": "新兴产业优先权重",
    "objective.kind": "目标", "objective.weight": "目标权重指标", "objective.baseline_basis": "基准分配依据",
    "objective.blend": "混合目标权重（名=权重, …）", "objective.pollutant_weights": "污染物权重（污染物=权重, …）",
    "objective.dea_inputs": "DEA 投入", "objective.dea_outputs": "DEA 产出", "objective.dea_start": "DEA 起点",
    "objective.max_iterations": "DEA 最大迭代次数",
    # rules
    "scenario": "情景（空：基准方案）", "type": "规则类型", "assumption": "假设：数字不在所引条款中（TRUE）",
    "note": "说明", "select.zones": "适用开发区（编号，逗号分隔）", "select.cities": "适用市",
    "select.counties": "适用县", "select.levels": "适用级别", "select.kinds": "适用类型", "select.tags": "适用标签",
    "select.grades": "适用等次", "select.meets_env_standards": "适用：是否环保达标",
    "floor": "下限（亩 / 吨/年 / {money}，依资源）", "cap": "上限（亩 / 吨/年 / {money}，依资源；或 组=数, …）",
    "share": "申请量的比例上限", "missing": "无申请时：zero 不分 / unlimited 不限", "by": "分组依据 / 倾斜依据",
    "groups": "适用组（逗号分隔）", "combined": "各组合计（TRUE/FALSE）", "cap_share": "份额上限（0–1）",
    "floor_share": "份额下限（0–1）", "share_of": "份额基数：pool 总量 / allocated 已分配",
    "per": "按：land_area 每亩现有土地 / zone 每区", "include_excluded": "含被排除的开发区",
    "values": "锁定值（编号=数, …）", "alpha": "杠杆上限：基金 ≤ alpha × 投资",
    # evaluations, criteria, scenarios, projects
    "evaluation": "所属评价（编号）", "preset": "预设公式", "preset_weights": "预设指标分值调整（指标=分值，0 为去掉）",
    "units": "评价对象：zones 开发区 / enterprises 企业", "normalise": "标准化方法", "method": "方法",
    "of": "指标（分子）", "direction": "方向：benefit 越大越好 / cost 越小越好", "benchmark": "标杆值",
    "weight": "权重或分值", "assign": "写回开发区：score, grade", "description": "说明",
    "drop_rules": "去掉的规则（编号）",
    "zone": "所在开发区（编号）", "sector": "产业", "land_mu": "用地（亩）", "fund": "申请基金（{money}）",
    "investment": "投资（{money}）", "leading": "主导产业（TRUE/FALSE）", "industrial": "工业项目（TRUE/FALSE）",
    # settings
    "key": "字段", "value": "取值",
}

SETTING_KEYS = ("name", "metadata.description", "metadata.synthetic", "metadata.source", "metadata.region",
                "metadata.year", "metadata.notes", "units.money", "portfolio.partial_funding",
                "portfolio.min_fund_share", "portfolio.objective.kind", "portfolio.objective.weight",
                "portfolio.rules", "periods", "management", "consolidation", "designation")
SETTING_LABELS = {
    "name": "方案名称（默认：文件名）", "metadata.description": "说明", "metadata.synthetic": "合成数据（TRUE/FALSE）",
    "metadata.source": "数据来源", "metadata.region": "地区", "metadata.year": "数据年份", "metadata.notes": "备注",
    "units.money": "货币单位：yuan 元 / wan_yuan 万元 / yi_yuan 亿元", "portfolio.partial_funding": "项目可部分资助",
    "portfolio.min_fund_share": "部分资助的最低比例", "portfolio.objective.kind": "项目组合目标",
    "portfolio.objective.weight": "项目组合目标权重指标", "portfolio.rules": "项目组合目标（JSON）",
    "periods": "规划期（JSON，见 python -m zoneopt schema）", "management": "动态管理（JSON）",
    "consolidation": "整合提升（JSON）", "designation": "新增与晋升（JSON）",
}
SCENARIO_COLUMNS = ("id", "description", "drop_rules", "pools.land.total_mu", "pools.land.exact",
                    "pools.land.parcel_mu", "pools.funds.budget", "objective.kind", "objective.weight",
                    "objective.baseline_basis", "objective.blend")
_RULE_CLASSES = (ZoneBoundsRule, RequestCapRule, GroupBoundsRule, ExcludeRule, TiltRule, LockRule,
                 ZoneBounds, GroupBounds, Lock, LeverageCap)

SHEET_NOTES: dict[str, str] = {
    "settings": "the instance's name, where its data come from, the money unit; sections given whole as JSON "
                "text (periods, management, consolidation, designation). 方案名称、数据来源、货币单位等。",
    "zones": "one row per zone: figures per year, requests, location. 每个开发区一行：年度指标、申请、位置。",
    "pools": "one row per resource: what there is to allocate and what the plan maximises. "
             "每种资源一行：可分配总量与目标。",
    "rules": "one row per rule; resource blank = land; scenario blank = the base plan. "
             "每条规则一行；资源空白为用地；情景空白为基准方案。",
    "evaluations": "one row per evaluation (评价): method, weighting, grading. 每个评价一行。",
    "criteria": "one row per criterion of an evaluation. 评价指标，每个一行。",
    "scenarios": "one row per what-if scenario (its rules are rows of the rules sheet). 情景，每个一行。",
    "projects": "one row per project (项目), for the project portfolio. 项目，每个一行。",
    "enterprises": "one row per enterprise (企业), for enterprise-level evaluation. 企业，每个一行。",
}


# -- columns -----------------------------------------------------------------------------------

def _ordered(headers: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(headers))


def sheet_columns(pollutants: Sequence[str] = POLLUTANTS) -> dict[str, list[str]]:
    """Every sheet's columns in the blank template (the reader takes these and any dotted path)."""
    zone = list(ZONE_LAYOUT.named)
    metrics_end = zone.index("energy_reduction_tce") + 1
    zone[metrics_end:metrics_end] = [f"emissions_{p}_t" for p in pollutants]
    request_end = zone.index("request_land_mu") + 1
    zone[request_end:request_end] = [f"request_{p}_t" for p in pollutants]
    objective = [f"objective.{'.'.join(p)}" for m in (Objective, EmissionObjective, FundObjective)
                 for p in leaf_paths(m)]
    fund_extra = [p[0] for p in leaf_paths(FundPool) if p[0] not in ("budget", "exact", "tranche", "source", "rules",
                                                                   "objective")]
    rule = [LAND_RULE_LAYOUT.header(p) for m in _RULE_CLASSES for p in leaf_paths(m)]
    project = [h for p in leaf_paths(Project) for h in (
        [f"emissions_{q}_t" for q in pollutants] if p == ("emissions_t",) else [PROJECT_LAYOUT.header(p)])]
    enterprise = [h for p in leaf_paths(Enterprise) for h in (
        [f"emissions_{q}_t" for q in pollutants] if p == ("metrics", "emissions_t") else [ENTERPRISE_LAYOUT.header(p)])]
    return {
        "settings": ["key", "value"],
        "zones": zone,
        "pools": _ordered(["resource", "total", "exact", "step", "source", *objective, *fund_extra]),
        "rules": _ordered(["resource", "scenario", "id", "type", "source", "assumption", "note", *rule]),
        "evaluations": [".".join(p) for p in leaf_paths(Evaluation, skip=("criteria",))],
        "criteria": ["evaluation", *(CRITERIA_LAYOUT.header(p) for p in leaf_paths(Criterion))],
        "scenarios": list(SCENARIO_COLUMNS),
        "projects": project,
        "enterprises": enterprise,
    }


def column_kind(sheet: str, header: str) -> Kind | None:
    """What a sheet's column takes (for a column that differs by row, as ``total`` by
    resource, what any row's takes)."""
    paths: list[FieldPath] = []
    if sheet == "zones":
        paths = [("zones", 0, *(ZONE_LAYOUT.path(header) or ()))]
    elif sheet == "enterprises":
        paths = [("enterprises", 0, *(ENTERPRISE_LAYOUT.path(header) or ()))]
    elif sheet == "projects":
        paths = [("projects", 0, *(PROJECT_LAYOUT.path(header) or ()))]
    elif sheet == "pools":
        paths = [t for r in ("land", "funds", "emissions", "SO2")
                 if isinstance(t := pool_column(r, header), tuple)]
    elif sheet == "rules":
        paths = [("rules", 0, *(LAND_RULE_LAYOUT.path(header) or ())),
                 ("pools", "funds", "rules", 0, *header.split("."))]
    elif sheet == "criteria":
        paths = [("evaluations", 0, "criteria", 0, *header.split("."))]
    elif sheet in ("evaluations", "scenarios"):
        paths = [(sheet, 0, *header.split("."))]
    elif sheet == "settings":
        paths = [tuple(header.split("."))]
    kind: Kind | None = None
    for p in paths:
        k = kind_at(Instance, p)
        if k is not None:
            kind = k if kind is None else kind.merged(k)
    return kind


def label(header: str, money: str) -> str:
    """The Chinese second line of a header, with its unit."""
    text = LABELS.get(header)
    for prefix, pattern in (("emissions_", "emissions_{p}_t"), ("request_", "request_{p}_t")):
        if text is None and header.startswith(prefix) and header.endswith("_t") and header not in LABELS:
            text = LABELS[pattern].replace("{p}", header[len(prefix):-2])
    if text is None:
        text = LABELS.get(header.split(".")[-1], "")
    return text.replace("{money}", money)


def constraint_text(kind: Kind | None) -> str:
    """What a field takes, in words: ``number ≥ 0``, ``one of: a, b``, ``list: a, b``."""
    if kind is None:
        return ""
    parts = []
    if kind.choices:
        choices = ", ".join(map(str, kind.choices))
        parts.append(f"text, e.g. {choices}" if kind.free else f"one of: {choices}")
    if kind.number:
        word = "whole number" if kind.integer else "number"
        bounds = [f"≥ {kind.ge:g}" if kind.ge is not None else "", f"> {kind.gt:g}" if kind.gt is not None else "",
                  f"≤ {kind.le:g}" if kind.le is not None else "", f"< {kind.lt:g}" if kind.lt is not None else ""]
        parts.append(" ".join([word, *[b for b in bounds if b]]))
    if kind.boolean:
        parts.append("TRUE or FALSE")
    if kind.items is not None and not kind.nested:
        parts.append("a list: a, b, c")
    if kind.values is not None and not kind.nested:
        parts.append("name=value pairs: a=1, b=2")
    if kind.nested:
        parts.append("JSON text")
    if kind.free and not parts:
        parts.append("text")
    return "; ".join(parts)


# -- writing ------------------------------------------------------------------------------------

def write_template(path: str | Path, instance: Instance | None = None, *, money: MoneyUnit | None = None,
                   pollutants: Sequence[str] = POLLUTANTS) -> Path:
    """Write the fill-in workbook atomically: blank, or filled with ``instance`` (which
    :func:`zoneopt.load` of the file gives back). ``money`` is the money unit the headers
    state (default the instance's, else 万元); ``pollutants`` the emission columns of the
    zones sheet (any other pollutant is a column ``emissions_<name>_t`` added by hand)."""
    from openpyxl import Workbook

    unit = money or (instance.units.money if instance is not None else "wan_yuan")
    money_text = _MONEY_SHORT[unit]
    columns = sheet_columns(pollutants)
    filled: dict[str, list[dict[str, Any]]] = {}
    if instance is not None:
        filled = instance_tables(instance.model_dump(mode="json", exclude_unset=True), Instance)
    book = Workbook()
    readme = book.active
    readme.title = "README"
    for sheet in SHEET_ORDER:
        ws = book.create_sheet(sheet)
        rows = filled.get(sheet, [])
        if sheet == "settings":
            _write_settings(ws, rows, unit, money_text)
            continue
        headers = _ordered([*columns[sheet], *(h for r in rows for h in r)])
        if sheet == "pools" and instance is None:
            rows = [{"resource": r} for r in ("land", "emissions", *pollutants, "funds")]
        _write_table(ws, sheet, headers, rows, money_text)
    _write_readme(readme, columns, money_text)
    return atomic_write(path, book.save)


def _header_cell(ws: Any, col: int, header: str, kind: Kind | None, text: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    cell = ws.cell(row=1, column=col, value=f"{header}\n{text}" if text else header)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    about = "\n".join(x for x in ((kind.description if kind else None), constraint_text(kind)) if x)
    if about:
        comment = Comment(about, "zoneopt")
        comment.width, comment.height = 300, 120
        cell.comment = comment


def _write_cell(ws: Any, row: int, col: int, value: Any) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if is_formula_like(value):
        keep_as_text(cell)  # text that looks like a formula (=, +, -, @ ...) stays text


def _write_table(ws: Any, sheet: str, headers: list[str], rows: list[dict[str, Any]], money: str) -> None:
    from openpyxl.utils import get_column_letter

    for j, h in enumerate(headers, start=1):
        kind = column_kind(sheet, h)
        _header_cell(ws, j, h, kind, label(h, money))
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, min(40, len(h) + 4))
        validation = _validation(kind)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{max(VALIDATED_ROWS, len(rows) + 1)}")
            ws.add_data_validation(validation)
    for i, r in enumerate(rows, start=2):
        for j, h in enumerate(headers, start=1):
            if r.get(h) is not None:
                _write_cell(ws, i, j, r[h])
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "B2"


def _write_settings(ws: Any, rows: list[dict[str, Any]], unit: str, money: str) -> None:
    given = {r["key"]: r["value"] for r in rows}
    if "units.money" not in given:
        given["units.money"] = unit
    keys = [k for k in SETTING_KEYS if not any(g == k or g.startswith(k + ".") or k.startswith(g + ".") for g in given
                                               if g != k)]
    keys = _ordered([*keys, *given])
    _header_cell(ws, 1, "key", None, LABELS["key"])
    _header_cell(ws, 2, "value", None, LABELS["value"])
    _header_cell(ws, 3, "_about", None, "说明（不读取）")
    for i, key in enumerate(keys, start=2):
        kind = column_kind("settings", key)
        _write_cell(ws, i, 1, key)
        if given.get(key) is not None:
            _write_cell(ws, i, 2, given[key])
        about = SETTING_LABELS.get(key, "")
        ws.cell(row=i, column=3, value="; ".join(x for x in (about, constraint_text(kind)) if x))
        validation = _validation(kind)
        if validation is not None:
            validation.add(f"B{i}")
            ws.add_data_validation(validation)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = "A2"


def _validation(kind: Kind | None) -> Any:
    """The data validation for a column that takes ``kind`` (None: no check Excel can make)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind is None or kind.items is not None or kind.values is not None or kind.nested:
        return None
    if kind.choices and not kind.number:
        strict = not kind.free
        choices = [str(c) for c in kind.choices]
        formula = '"' + ",".join(choices) + '"'
        if len(formula) > 255:
            return None
        return DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=strict,
                              errorTitle="zoneopt", error="one of: " + ", ".join(choices))
    if kind.boolean and not kind.number and not kind.text:
        return DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True, showErrorMessage=True,
                              errorTitle="zoneopt", error="TRUE or FALSE")
    if kind.number and not kind.text:
        kind_word = "whole" if kind.integer else "decimal"
        low = kind.ge if kind.ge is not None else kind.gt
        if low is not None and kind.le is not None:
            return DataValidation(type=kind_word, operator="between", formula1=f"{low:g}", formula2=f"{kind.le:g}",
                                  allow_blank=True, showErrorMessage=True, errorTitle="zoneopt",
                                  error=f"a number from {low:g} to {kind.le:g}")
        if kind.gt is not None:
            return DataValidation(type=kind_word, operator="greaterThan", formula1=f"{kind.gt:g}", allow_blank=True,
                                  showErrorMessage=True, errorTitle="zoneopt", error=f"a number > {kind.gt:g}")
        if kind.ge is not None:
            return DataValidation(type=kind_word, operator="greaterThanOrEqual", formula1=f"{kind.ge:g}",
                                  allow_blank=True, showErrorMessage=True, errorTitle="zoneopt",
                                  error=f"a number ≥ {kind.ge:g} (no negative quantities)")
        return DataValidation(type=kind_word, operator="between", formula1="-1E+300", formula2="1E+300",
                              allow_blank=True, showErrorMessage=True, errorTitle="zoneopt", error="a number")
    return None


README_LINES = (
    "zoneopt planning workbook · zoneopt 规划数据表",
    "",
    "Fill the sheets, then: python -m zoneopt validate THIS.xlsx · python -m zoneopt solve THIS.xlsx "
    "(every verb takes the workbook as it takes an instance JSON).",
    "填好各表后运行：python -m zoneopt validate 本文件.xlsx；python -m zoneopt solve 本文件.xlsx"
    "（各命令均可直接读取本工作簿）。",
    "",
    "How the sheets are read · 读取规则",
    "• Row 1 holds the headers: the first word is the column's key (what zoneopt reads), the second line says it in "
    "Chinese with its unit; the comment on each header says what it takes. "
    "第一行为表头：第一个词为字段名，第二行为中文名称及单位。",
    "• Data start in row 2 and run without blank rows (a blank row inside a table is an error). "
    "数据从第 2 行开始，中间不得有空行。",
    "• A blank cell is a value not given (the default applies). 空白单元格表示未填（采用默认值）。",
    "• Lists: a, b, c (commas, 、 or semicolons). Mappings: name=value, name=value (e.g. Q=100, R=50). "
    "Whole sections: JSON text. 列表用逗号分隔；映射写作 名=值；整段设置用 JSON 文本。",
    "• Yes/no: TRUE or FALSE (是/否 also read). 是否字段填 TRUE/FALSE（也可填 是/否）。",
    "• Formulas are read as the value Excel saved with them; a workbook never calculated in Excel has none "
    "(an error: open and save it in Excel). 公式按 Excel 保存的计算结果读取。",
    "• No merged cells. A column whose header starts with _ or #, and a sheet whose name does, holds your notes and "
    "is not read; any other unknown column or sheet is an error (a typo would drop data). "
    "不得合并单元格；以 _ 或 # 开头的列或工作表为备注，不读取。",
    "• Errors name the sheet, cell and column, e.g. zones!D7 (land_area_mu): must be > 0. "
    "错误信息给出工作表、单元格与字段。",
    "• Units: land in mu (亩), energy in tce (吨标煤), emissions in tonnes per year; money in the unit of "
    "settings units.money (headers state it as written: {money}). "
    "土地单位亩，能源吨标煤，排放吨/年，货币单位见 settings 表 units.money。",
    "• rules: resource blank = a land rule (floor/cap/values in mu); emissions = every pollutant, or a pollutant "
    "(t/yr); funds (money). scenario blank = the base plan, else a land rule of that scenario. Set assumption TRUE "
    "when the rule's number is not in the clause its source cites. 规则表：数字不在所引条款中时 assumption 填 TRUE。",
    "• pools: one row per resource; a row left without a total is no pool. The land row's objective.* is the plan's "
    "objective. 资源表：未填总量的行不设该资源。",
    "• python -m zoneopt template --from INSTANCE.json --out FILE.xlsx writes an instance in this layout. "
    "可用 --from 将已有 JSON 方案写成本工作簿。",
    "",
    "Every column · 各表字段",
)


def _write_readme(ws: Any, columns: dict[str, list[str]], money: str) -> None:
    from openpyxl.styles import Alignment, Font

    for i, line in enumerate(README_LINES, start=1):
        cell = ws.cell(row=i, column=1, value=line.replace("{money}", money))
        if i == 1 or line in ("How the sheets are read · 读取规则", "Every column · 各表字段"):
            cell.font = Font(bold=True)
    row = len(README_LINES) + 1
    for j, head in enumerate(("sheet 工作表", "column 字段", "中文", "takes 取值", "meaning"), start=1):
        ws.cell(row=row, column=j, value=head).font = Font(bold=True)
    for sheet in SHEET_ORDER:
        row += 1
        ws.cell(row=row, column=1, value=sheet).font = Font(bold=True)
        ws.cell(row=row, column=5, value=SHEET_NOTES.get(sheet, ""))
        names = list(SETTING_KEYS) if sheet == "settings" else columns[sheet]
        for h in names:
            kind = column_kind(sheet, h)
            row += 1
            text = SETTING_LABELS.get(h, "") if sheet == "settings" else label(h, money)
            for j, v in enumerate((sheet, h, text, constraint_text(kind), kind.description if kind else ""), start=1):
                ws.cell(row=row, column=j, value=v).alignment = Alignment(wrap_text=False)
    for letter, width in zip("ABCDE", (14, 30, 40, 40, 80), strict=True):
        ws.column_dimensions[letter].width = width
