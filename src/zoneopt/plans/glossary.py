"""The glossary: every word zoneopt prints, exports or writes into a report, in Chinese and in
English, kept in one place. A planning department reads 新增建设用地指标, 亩均税收, 排污指标, 合计,
约束 and 影子价格; an English reader the same terms in English.

:data:`GLOSSARY` maps a key to its ``(zh, en)`` pair. A pair may hold ``{fields}`` that
:func:`text` fills in (the same fields in both languages; ``tests/test_lang.py`` checks that).
Keys are grouped by prefix: ``col.`` table columns (:mod:`zoneopt.plans.display` adds the unit),
``unit.`` units, ``level.``/``kind.``/``status.``/``side.`` cell values, ``resource.``,
``objective.`` the objective sentences, ``solve.``/``compare.``/``explain.`` the command
line's lines, ``report.`` the report's headings, captions and charts.

Identifiers stay as the instance gives them (zone ids, rule ids such as ``land-total``, the
policy clause ``2017 §六(一)``); error messages are English and keep their JSON paths.
"""

from __future__ import annotations

from typing import Literal

from zoneopt.errors import InvalidInputError

Lang = Literal["zh", "en"]
LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE: Lang = "en"
"""The language of an instance that states none (``metadata.language``)."""

GLOSSARY: dict[str, tuple[str, str]] = {
    # -- the resources and the policy's nouns ----------------------------------------------------
    "resource.land": ("新增建设用地指标", "new construction land quota"),
    "resource.emissions": ("排污指标", "emission allowances"),
    "resource.funds": ("基金投放", "fund disbursement"),
    "resource.portfolio": ("项目为王（项目组合）", "project portfolio"),
    "term.total": ("合计", "total"),
    "term.rule": ("约束", "rule"),
    "term.binding_rules": ("起作用的约束", "binding rules"),
    "term.shadow_price": ("影子价格", "shadow price"),
    "term.pool": ("指标总量", "pool"),
    "term.zone": ("开发区", "zone"),
    "term.zones": ("个开发区", "zones"),
    "term.objective": ("目标函数", "objective"),
    "term.status": ("状态", "status"),
    "term.synthetic": ("合成数据（非真实统计）", "SYNTHETIC data"),
    "term.warning": ("警告", "warning"),
    "term.note": ("说明", "note"),
    "term.yes": ("是", "yes"),
    "term.no": ("否", "no"),
    "term.none": ("无", "none"),
    "term.more_zones": ("……另有 {n} 个开发区（用 --all 或 --out 查看全部）",
                        "... {n} more zones (use --all or --out)"),
    "term.all_zones": ("全部 {n} 个", "all {n}"),
    "quantity.investment": ("投资", "investment"),
    "quantity.fund": ("资金", "funds"),
    "quantity.land_mu": ("用地", "land"),
    "quantity.tax": ("税收", "tax"),
    "quantity.revenue": ("营业收入", "revenue"),
    "short.land": ("土地", "land"),
    "short.emissions": ("排污", "emissions"),
    "short.funds": ("资金", "funds"),
    "short.portfolio": ("项目组合", "portfolio"),
    "pool.land": ("土地", "land"),
    "pool.funds": ("资金", "funds"),
    # -- indicators (zoneopt.instance.indicators), by name -------------------------------------
    "indicator.tax_per_mu": ("亩均税收", "tax per mu"),
    "indicator.value_added_per_mu": ("亩均增加值", "value added per mu"),
    "indicator.revenue_per_mu": ("亩均营业收入", "revenue per mu"),
    "indicator.labour_productivity": ("全员劳动生产率", "labour productivity"),
    "indicator.value_added_per_energy": ("单位能耗增加值", "value added per unit of energy"),
    "indicator.value_added_per_emission": ("单位排放增加值", "value added per tonne emitted"),
    "indicator.rd_intensity": ("R&D经费占比", "R&D intensity"),
    "indicator.score": ("评价得分", "evaluation score"),
    "indicator.grade": ("评价等级", "grade"),
    "indicator.land_area_mu": ("现有土地面积", "existing land"),
    "indicator.tax": ("税收", "tax"),
    "indicator.value_added": ("增加值", "value added"),
    "indicator.revenue": ("营业收入", "revenue"),
    "indicator.rd_spending": ("R&D经费", "R&D spending"),
    "indicator.energy_tce": ("能源消费量", "energy use"),
    "indicator.employees": ("从业人员", "employees"),
    "indicator.energy_reduction_tce": ("能源消费存量削减量", "energy-stock reduction"),
    "indicator.emissions": ("污染物排放量", "emissions"),
    "indicator.score_x_area": ("得分×现有面积", "score × existing land"),
    "indicator.evaluation": ("评价“{id}”的得分", "the score of evaluation {id!r}"),
    # -- units -------------------------------------------------------------------------------
    "unit.mu": ("亩", "mu"),
    "unit.t": ("吨/年", "t/yr"),
    "unit.tonnes": ("吨", "t"),
    "unit.tce": ("吨标准煤/年", "tce/yr"),
    "unit.per_year": ("{unit}/年", "{unit}/yr"),
    "unit.per_mu": ("{unit}/亩", "{unit} per mu"),
    "unit.per_t": ("{unit}/吨", "{unit} per t"),
    "unit.yuan": ("元", "yuan"),
    "unit.wan_yuan": ("万元", "wan yuan"),
    "unit.yi_yuan": ("亿元", "yi yuan"),
    "unit.points": ("分", "points"),
    "unit.share": ("份额", "share"),
    "unit.seconds": ("秒", "s"),
    "unit.zones": ("个", "zones"),
    "unit.projects": ("个", "projects"),
    # -- cell values ---------------------------------------------------------------------------
    "level.national": ("国家级", "national"),
    "level.provincial": ("省级", "provincial"),
    "level.other": ("其他", "other"),
    "kind.etdz": ("经开区", "etdz"),
    "kind.hitech": ("高新区", "hi-tech zone"),
    "kind.cluster": ("产业集聚区", "cluster"),
    "kind.bonded": ("综合保税区", "bonded zone"),
    "kind.other": ("其他", "other"),
    "status.optimal": ("最优", "optimal"),
    "status.feasible": ("可行（未证最优）", "feasible"),
    "status.infeasible": ("不可行", "infeasible"),
    "status.unbounded": ("无界", "unbounded"),
    "status.time_limit": ("超时", "time limit"),
    "status.error": ("出错", "error"),
    "side.upper": ("上限", "upper"),
    "side.lower": ("下限", "lower"),
    "side.equal": ("等于", "equal"),
    "method.lp": ("线性规划", "LP"),
    "method.mip": ("混合整数规划", "MIP"),
    "method.zsg-dea": ("零和收益DEA", "zero-sum-gains DEA"),
    # -- table columns (the unit is added by zoneopt.plans.display) ----------------------------
    "col.zone": ("编号", "zone"),
    "col.name": ("名称", "name"),
    "col.city": ("城市", "city"),
    "col.county": ("区县", "county"),
    "col.level": ("级别", "level"),
    "col.kind": ("类型", "kind"),
    "col.grade": ("等级", "grade"),
    "col.score": ("评价得分", "score"),
    "col.land_area_mu": ("现有面积", "existing land"),
    "col.request_mu": ("申请", "request"),
    "col.allocation_mu": ("新增建设用地指标", "allocation"),
    "col.fulfilment": ("满足率", "fulfilment"),
    "col.allocation_per_mu": ("每亩现有土地新增", "new land per existing mu"),
    "col.per_existing_mu": ("每亩现有土地新增", "new land per existing mu"),
    "col.existing_mu": ("现有面积", "existing land"),
    "col.weight": ("目标权重", "objective weight"),
    "col.baseline_mu": ("基准分配", "baseline"),
    "col.binding_rules": ("本区起作用的约束", "rules binding for the zone"),
    "col.shadow_prices": ("影子价格", "shadow prices"),
    "col.pollutant_t": ("{p}", "{p}"),
    "col.request_pollutant_t": ("{p}申请", "{p} request"),
    "col.start_pollutant_t": ("{p}起点", "{p} start"),
    "col.efficiency_pollutant": ("{p}分配后DEA效率", "{p} DEA efficiency after"),
    "col.efficiency_start_pollutant": ("{p}分配前DEA效率", "{p} DEA efficiency before"),
    "col.request_funds": ("申请资金", "funds requested"),
    "col.investment": ("带动投资", "investment"),
    "col.expected_tax": ("预期税收", "expected tax"),
    "col.priority": ("产业优先系数", "sector priority"),
    "col.funds": ("资金", "funds"),
    "col.tranches": ("拨付份数", "tranches"),
    "col.leverage": ("资金杠杆率", "leverage"),
    "col.projects_chosen": ("入选项目", "projects chosen"),
    "col.land_mu": ("用地", "land"),
    "col.revenue_after": ("项目后营业收入", "revenue after"),
    "col.tax_after": ("项目后税收", "tax after"),
    "col.reaches": ("达到{target}", "reaches {target}"),
    "col.total_share": ("平均占总量份额", "mean share of the pools"),
    # the bindings and pools tables
    "col.rule": ("约束", "rule"),
    "col.type": ("类型", "type"),
    "col.source": ("政策条款", "clause"),
    "col.row": ("约束行", "row"),
    "col.label": ("对象", "applies to"),
    "col.side": ("方向", "side"),
    "col.bound": ("界值", "bound"),
    "col.activity": ("实际值", "activity"),
    "col.shadow_price": ("影子价格", "shadow price"),
    "col.value": ("价格×界值", "price × bound"),
    "col.range_lower": ("价格有效下界", "price holds from"),
    "col.range_upper": ("价格有效上界", "price holds to"),
    "col.unit": ("单位", "unit"),
    "col.pool": ("指标", "pool"),
    "col.total": ("总量", "total"),
    "col.allocated": ("已分配", "allocated"),
    "col.share_used": ("使用比例", "share used"),
    "col.field": ("项目", "field"),
    "col.quantity": ("量", "quantity"),
    "col.zones": ("开发区数", "zones"),
    "col.zones_allocated": ("获得指标的开发区", "zones allocated"),
    "col.share_of_pool": ("占总量比例", "share of pool"),
    "col.required": ("要求", "required"),
    "col.achieved": ("实现", "achieved"),
    "col.met": ("是否达标", "met"),
    "col.project": ("项目编号", "project"),
    "col.sector": ("产业", "sector"),
    "col.chosen": ("是否入选", "chosen"),
    "col.objective_term": ("目标贡献", "objective term"),
    "col.fund_request": ("申请资金", "fund request"),
    "col.fund": ("资金", "fund"),
    "col.tax": ("税收", "tax"),
    "col.revenue": ("营业收入", "revenue"),
    "col.status": ("状态", "status"),
    "col.objective": ("目标值", "objective"),
    "col.description": ("说明", "description"),
    "col.warning": ("警告", "warning"),
    "col.value_text": ("内容", "value"),
    "field.instance": ("实例", "instance"),
    "field.resource": ("资源", "resource"),
    "field.synthetic": ("合成数据", "synthetic data"),
    "field.status": ("状态", "status"),
    "field.objective": ("目标", "objective"),
    "field.pool": ("指标总量", "pool"),
    "field.allocated": ("已分配", "allocated"),
    "field.zones_allocated": ("获得指标的开发区", "zones allocated"),
    "field.backend": ("求解器、用时", "backend, time"),
    "field.note": ("说明", "note"),
    "field.warning": ("警告", "warning"),
    # -- the objective, one sentence each (items 3 of issue 15) ---------------------------------
    "objective.head": ("目标（{kind}）：{value}", "objective ({kind}): {value}"),
    "objective.kind.efficiency": ("效率", "efficiency"),
    "objective.kind.equity": ("公平", "equity"),
    "objective.kind.baseline": ("贴近基准", "baseline"),
    "objective.kind.blend": ("综合", "blend"),
    "objective.kind.priority": ("优先", "priority"),
    "objective.kind.zsg_dea": ("零和收益DEA", "zero-sum-gains DEA"),
    "objective.kind.leverage": ("带动投资", "leverage"),
    "objective.kind.tax": ("税收", "tax"),
    "objective.kind.investment": ("投资", "investment"),
    "objective.kind.score": ("得分加权", "score"),
    "objective.land.efficiency": (
        "各开发区新增亩数 × 其{weight}（{weight_unit}）之和：按现有{weight}估算，新增用地每年预期带来的收益",
        "the sum over zones of new mu × {weight} ({weight_unit}): what the new land is expected to bring "
        "each year at today's {weight}"),
    "objective.land.equity": (
        "申请用地且未被排除的开发区中最低的满足率（新增 / 申请）；并列时再按效率取优",
        "the lowest fulfilment (new land / request) of any zone that asked for land and is not excluded; ties "
        "broken by efficiency"),
    "objective.land.baseline": (
        "各开发区分配与按{basis}比例计算的基准分配之差的绝对值之和（越小越好）",
        "the sum over zones of |allocation − baseline|, the baseline splitting the pool in proportion to "
        "{basis} (smaller is better)"),
    "objective.land.blend": (
        "加权综合（各项按约 [0, 1] 归一化后相加，无单位）：{terms}",
        "a weighted blend (each term normalised to about [0, 1] and added; no unit): {terms}"),
    "objective.term.efficiency": ("效率 {value}（权重 {w}）", "efficiency {value} (weight {w})"),
    "objective.term.equity": ("最低满足率 {value}（权重 {w}）", "lowest fulfilment {value} (weight {w})"),
    "objective.term.baseline": ("与基准偏差 {value}（权重 {w}）", "deviation from the baseline {value} (weight {w})"),
    "objective.term.tax": ("预期税收 {value}（权重 {w}）", "expected tax {value} (weight {w})"),
    "objective.term.investment": ("投资 {value}（权重 {w}）", "investment {value} (weight {w})"),
    "objective.term.score": ("得分加权投资 {value}（权重 {w}）", "score-weighted investment {value} (weight {w})"),
    "objective.emissions.priority": (
        "各污染物分配量占其总量的份额乘以获得开发区的{weight}（{weight_unit}）之和，{n} 种污染物相加：指标流向"
        "{weight}大的开发区越多，值越大",
        "for each of the {n} pollutants, the share of its pool each zone gets × the zone's {weight} "
        "({weight_unit}), summed: the more allowances go to zones with a large {weight}, the larger"),
    "objective.emissions.zsg_dea": (
        "重新分配后各开发区最低的DEA效率（1 = 全部有效）",
        "the lowest DEA efficiency of any zone after reallocation (1 = every zone efficient)"),
    "objective.funds.leverage": (
        "资金所带动的投资额（资金 × 投资 / 申请，按产业优先系数加权）",
        "the investment the funds co-finance (funds × investment / request, weighted by sector priority)"),
    "objective.funds.tax": (
        "资金带来的预期年税收（资金 × 预期税收 / 申请，按产业优先系数加权）",
        "the expected yearly tax the funds bring (funds × expected tax / request, weighted by sector "
        "priority)"),
    "objective.funds.score": (
        "资金乘以开发区{weight}之和（按产业优先系数加权）",
        "the sum of funds × the zone's {weight} (weighted by sector priority)"),
    "objective.portfolio.tax": (
        "入选项目的预期年税收之和（按产业优先系数加权）",
        "the expected yearly tax of the chosen projects (weighted by sector priority)"),
    "objective.portfolio.investment": (
        "入选项目的投资额之和（按产业优先系数加权）",
        "the investment of the chosen projects (weighted by sector priority)"),
    "objective.portfolio.score": (
        "入选项目投资额乘以所在开发区{weight}之和（按产业优先系数加权）",
        "the sum of the chosen projects' investment × their zone's {weight} (weighted by sector priority)"),
    "objective.portfolio.blend": (
        "加权综合（各项除以其归一化值后相加，无单位）：{terms}",
        "a weighted blend (each term divided by its normaliser and added; no unit): {terms}"),
    "objective.tie_break": ("并列时按效率：{value}", "tie-break (efficiency): {value}"),
    "objective.generic": ("{unit}", "{unit}"),
    # -- solve's lines ------------------------------------------------------------------------
    "solve.banner": ("zoneopt · {name}", "zoneopt · {name}"),
    "solve.resources": ("资源：{names}", "resources: {names}"),
    "solve.land_head": (
        "资源：{title} · 指标总量 {pool} 亩 · 已分配 {allocated} 亩，{got} / {zones} 个开发区获得指标",
        "resource: land ({title}) · pool {pool} mu · allocated {allocated} mu to {got} of {zones} zones"),
    "solve.resource_head": ("资源：{title}（{resource}，{method}）· {got} / {zones} 个开发区获得指标",
                            "resource: {resource} ({title}) · {method} · {got} of {zones} zones get some"),
    "solve.projects": ("入选项目 {chosen} / {total} 个", "{chosen} of {total} projects chosen"),
    "solve.pools": ("指标：{pools}", "pools: {pools}"),
    "solve.pool_use": ("{pool} 已分配 {allocated} / {total} {unit}", "{pool} {allocated} of {total} {unit}"),
    "solve.target": ("目标 {rule}{source}：{what}，实现 {achieved}（要求 {required}）· {met}",
                     "target {rule}{source}: {what}, achieved {achieved} (required {required}) · {met}"),
    "solve.target.count": ("{metric} ≥ {threshold} 的开发区数", "zones with {metric} ≥ {threshold}"),
    "solve.target.share": ("{quantity}占比", "share of {quantity}"),
    "solve.target.met": ("达标", "met"),
    "solve.target.not_met": ("未达标", "NOT met"),
    "solve.shared": ("全局约束（作用于总量或多个开发区，不逐行列出）：{rules}",
                     "pool-wide rules (they bind on the pool or on several zones, not listed per row): {rules}"),
    "solve.shared_rule": ("{rule}{source}：{rows}", "{rule}{source}: {rows}"),
    "solve.shared_rows": ("{n} 行处于界值", "{n} rows at their bound"),
    "solve.shared_row": ("1 行处于界值", "1 row at its bound"),
    "solve.no_shared": ("无全局约束起作用", "no pool-wide rule binds"),
    "solve.status": ("状态：{status} · 求解器 {backend} · 用时 {seconds} 秒{gap} · 已独立校验（{violation}）",
                     "status: {status} · backend {backend} · solve {seconds} s{gap} · checked ({violation})"),
    "solve.gap": (" · 间隙 {gap}", " · gap {gap}"),
    "solve.violation": ("最大违反量 {v}", "max violation {v}"),
    "solve.violation_tiny": ("最大违反量小于十亿分之一", "max violation below one billionth"),
    "solve.units": ("单位：土地 亩，排污 吨/年，金额 {money}（每亩、每吨的比率用 {rate_money}）",
                    "units: land mu, emissions t/yr, money {money} (rates per mu or per t in {rate_money}; "
                    "1 yi yuan = 亿元 = 100 million yuan, 1 wan yuan = 万元 = 10,000 yuan)"),
    "solve.wrote": ("已写入 {path}", "wrote {path}"),
    "solve.warning": ("警告：{text}", "warning: {text}"),
    # -- compare's lines ----------------------------------------------------------------------
    "compare.banner": ("zoneopt compare · {n} 个方案，来自 {k} 个实例",
                       "zoneopt compare · {n} plans from {k} instance(s)"),
    "compare.column": ("方案", "column"),
    "compare.delta_objective": ("Δ目标", "Δ objective"),
    "compare.allocated": ("已分配 / 总量", "allocated / pool"),
    "compare.delta_allocated": ("Δ已分配", "Δ allocated"),
    "compare.tie_break": ("并列时按效率", "tie-break (efficiency)"),
    "compare.per_resource": ("各资源：", "per resource:"),
    "compare.allocations": ("{what}；Δ 相对于“{first}”，空白 = 不变：",
                            "{what}; Δ against {first!r}, blank = unchanged:"),
    "compare.changes": ("{what}与“{first}”相比变化最大的开发区：", "zones whose {what} differs most from {first!r}:"),
    "compare.no_change": ("没有开发区的{what}与“{first}”不同", "no zone's {what} differs from {first!r}"),
    "compare.value": ("分配", "allocation"),
    "compare.cities": ("按城市，{what}：", "per city, {what}:"),
    "solve.note": ("说明：{text}", "note: {text}"),
}


def check_language(lang: str) -> Lang:
    """``lang`` if zoneopt speaks it; :class:`InvalidInputError` (exit code 2) otherwise."""
    if lang not in LANGUAGES:
        raise InvalidInputError(f"--lang {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return lang  # type: ignore[return-value]


def text(key: str, lang: str, **fields: object) -> str:
    """The glossary's entry ``key`` in ``lang``, its ``{fields}`` filled in. A key the glossary
    lacks is a bug: :class:`KeyError` names it."""
    zh, en = GLOSSARY[key]
    template = zh if lang == "zh" else en
    return template.format(**fields) if fields else template


def term(key: str, lang: str, default: str | None = None) -> str:
    """The entry ``key`` in ``lang`` without fields, or ``default`` (the key itself when None)
    when the glossary has no such entry: for values such as ``level.national``."""
    pair = GLOSSARY.get(key)
    if pair is None:
        return key if default is None else default
    return pair[0] if lang == "zh" else pair[1]
