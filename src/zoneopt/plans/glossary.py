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

from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from zoneopt.errors import InvalidInputError
from zoneopt.plans.glossary_targets import TARGET_GLOSSARY, Amount, MoneyWords, Phrase, written
from zoneopt.plans.glossary_verbs import VERB_GLOSSARY

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
    "objective.kind.tiered": ("分档配置", "tiered"),
    "objective.kind.lexicographic": ("优先序", "lexicographic"),
    "objective.kind.fairness": ("比例公平", "proportional fairness"),
    "objective.land.tiered": (
        "1.5 × 分配总量 − Σ|分配 − 分档目标|（亩）：按等级倍数（{by}，基数 {base}）把指标总量分到各开发区的目标，"
        "在约束允许的范围内尽量贴近，且只要有开发区还能接收就不留指标",
        "1.5 × allocated − Σ|allocation − tiered target| (mu): the pool split by multipliers ({by}, on {base}) "
        "within each zone's limits, followed as closely as the rules allow, leaving no land while a zone can "
        "take more"),
    "objective.land.lexicographic": (
        "先按{measure}从大到小依次满足优先开发区，剩余部分按分档目标（{by}，基数 {base}）分配",
        "the priority zones served first, one after the other by {measure}, the rest split by the tiered "
        "target ({by}, on {base})"),
    "objective.land.fairness": (
        "比例公平：Σ ω·log(分配 / 可得上限)（分段线性外逼近，每个开发区误差不超过 {accuracy}）",
        "proportional fairness: Σ ω·log(allocation / the zone's cap) (outer piecewise-linear approximation, "
        "within {accuracy} per zone)"),
    "objective.term.tiered": ("分档目标（权重 {w}）", "tiered target (weight {w})"),
    "objective.tiered.l2": (
        "；按 L2（最小二乘）计偏差：Σ(分配 − 分档目标)² / (2 × 总量)，代替 Σ|分配 − 分档目标|",
        "; in L2 (least squares): the deviation is Σ(allocation − tiered target)² / (2 × pool) in place of "
        "Σ|allocation − tiered target|"),
    "objective.emissions.tiered": (
        "各污染物：(1.5 × 分配量 − Σ|分配 − 分档目标|) / 总量，{n} 种污染物相加",
        "for each of the {n} pollutants, (1.5 × allocated − Σ|allocation − tiered target|) / its pool, summed"),
    "objective.emissions.lexicographic": (
        "先按{measure}从大到小依次满足优先开发区（优先分配），剩余部分按分档目标分配；{n} 种污染物",
        "the zones with the largest {measure} served first, one after the other (优先分配), the rest split by "
        "the tiered target; {n} pollutants"),
    "objective.emissions.fairness": (
        "比例公平：各污染物 Σ ω·log(分配 / 可得上限) 之和（{n} 种污染物）",
        "proportional fairness: Σ ω·log(allocation / the zone's cap), summed over the {n} pollutants"),
    "objective.funds.tiered": (
        "1.5 × 投放总额 − Σ|投放 − 分档目标|：按等级倍数把预算分到各开发区的目标，尽量贴近且用足预算",
        "1.5 × disbursed − Σ|funds − tiered target|: the budget split by multipliers, followed as closely as "
        "the rules allow, spending it while a zone can take more"),
    "objective.funds.lexicographic": (
        "先依次满足优先开发区，剩余部分按分档目标分配",
        "the priority zones served first, one after the other, the rest split by the tiered target"),
    "objective.funds.fairness": (
        "比例公平：Σ ω·log(投放 / 可得上限)",
        "proportional fairness: Σ ω·log(funds / the zone's cap)"),
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
    "solve.shape": ("分配形态：{pool}：{eligible} 个符合条件的开发区中 {given} 个获得分配",
                    "shape: {pool}: {given} of {eligible} eligible zones get some"),
    "solve.shape.at_zero": ("（为 0：{held}）", " (at 0: {held})"),
    "solve.shape.smallest": ("最小非零 {amount}（{zone}）", "smallest {amount} ({zone})"),
    "solve.shape.gini": ("亩均分配基尼系数 {g}", "Gini per existing mu {g}"),
    "solve.shape.national": ("国家级占 {share}", "national {share}"),
    "solve.shape.unused": ("未分配 {amount}：{why}", "unused {amount}: {why}"),
    "solve.shape.no_request": ("无符合条件的未满足申请", "no eligible request left"),
    "solve.shape.held": ("受约束 {rules}", "held by {rules}"),
    "cli.report.banner": ("zoneopt 报告 · {name}", "zoneopt report · {name}"),
    "cli.report.not_drawn": ("图 {name} 未绘制：{note}", "chart {name} not drawn: {note}"),
    "cli.report.wrote": ("已写入 {n} 个文件到 {out}：", "wrote {n} files to {out}:"),
    # -- explain's lines -------------------------------------------------------------------------
    "explain.banner": ("zoneopt explain · {name}", "zoneopt explain · {name}"),
    "explain.zone": ("开发区 {zone} · {name} · {where} · {level}{kind} · 现有土地 {area} 亩",
                     "zone {zone} · {name} · {where} · {level} {kind} · existing land {area} mu"),
    "explain.no_name": ("（无名称）", "(no name)"),
    "explain.city": ("城市 {city}", "city {city}"),
    "explain.county": ("，区县 {county}", ", county {county}"),
    "explain.score": ("评价得分 {score}{from_} · 等级 {grade}{from_grade}",
                      "score {score}{from_} · grade {grade}{from_grade}"),
    "explain.from": ("（来自评价 {id}）", " (from evaluation {id})"),
    "explain.given": ("（实例给定）", " (as given in the instance)"),
    "explain.evaluations": ("评价：", "evaluations:"),
    "explain.assigns": (" [赋予 {what}]", " [assigns {what}]"),
    "explain.eval_failed": ("  {id}（{method}）{tag}：无法运行：{error}",
                            "  {id} ({method}){tag}: could not run: {error}"),
    "explain.eval_line": ("  {id}（{method}{source}）{tag}：得分 {score} {unit}{rank}，等级 {grade}",
                          "  {id} ({method}{source}){tag}: score {score} {unit}{rank}, grade {grade}"),
    "explain.rank": ("，排名 {rank} / {of}", ", rank {rank} of {of}"),
    "explain.unranked": ("，未排名", ", unranked"),
    "explain.section": ("{title}（{unit}）：", "{title} ({unit}):"),
    "explain.allocation": ("  分配 {allocation} · {request}{fulfilled} · 指标总量 {pool}，已分配 {allocated}",
                           "  allocation {allocation} · {request}{fulfilled} · pool {pool}, {allocated} allocated"),
    "explain.request": ("申请 {request}", "request {request}"),
    "explain.no_request": ("无申请", "no request"),
    "explain.fulfilled": ("（满足 {p}）", " ({p} fulfilled)"),
    "explain.pool_price": ("  指标总量的影子价格（约束 {rule}{source}）：{price}{held}",
                           "  pool price (rule {rule}{source}): {price}{held}"),
    "explain.no_duals": ("无（混合整数规划没有对偶价格）", "none (a MIP has no duals)"),
    "explain.pool_holds": ("，总量在 {lo} 至 {hi} 之间时成立", ", holds for a pool of {lo} to {hi}"),
    "explain.price_what_lp": ("界值每变动一个单位时目标值的变化", "objective change per unit of the bound"),
    "explain.price_what_mip": ("混合整数规划没有", "none in a MIP"),
    "explain.binding": ("  本区起作用的约束（影子价格：{what}）：",
                        "  rules binding for this zone (shadow price: {what}):"),
    "explain.no_binding": ("  除指标总量{tilt}外，没有约束对本区起作用",
                           "  no rule binds for this zone besides the pool{tilt}"),
    "explain.and_tilt": ("和倾斜约束", " and the tilt"),
    "explain.shared": ("  处于界值、涉及本区但与其他开发区共用的约束（影子价格：{what}）：",
                       "  rules at their bound for the plan that include this zone (shared with other zones; "
                       "shadow price: {what}):"),
    "explain.rule_line": ("    {rule}{source} {type} {row}：{side} {bound}{price}{range}",
                          "    {rule}{source} {type} {row}: {side} bound {bound}{price}{range}"),
    "explain.price": ("，影子价格 {price}", ", price {price}"),
    "explain.range": ("，界值在 [{lo}, {hi}] 内时成立", ", holds for the bound in [{lo}, {hi}]"),
    "explain.room": ("  涉及本区、尚有余量的约束：{rules}", "  rules on this zone with room: {rules}"),
    "explain.room_rule": ("{rule} {side} {bound}（相差 {slack}）", "{rule} {side} {bound} ({slack} away)"),
    "explain.steps": ("  什么会改变它的分配（将一个界值移动 {step} 后重新求解）：",
                      "  what would change its allocation (re-solves with one bound moved by {step}):"),
    "explain.step_pool": ("指标总量", "pool"),
    "explain.step_failed": ("    {moved}：{status}", "    {moved}: {status}"),
    "explain.step": ("    {moved}：分配 {change}（→ {allocation}），目标 {objective}{predicted}",
                     "    {moved}: allocation {change} (→ {allocation}), objective {objective}{predicted}"),
    "explain.predicted": ("（价格 × 步长：{p}{differs}）", " (price × step: {p}{differs})"),
    "explain.differs": ("；不一致：该价格是退化最优解的多个价格之一，或步长越过了折点",
                        "; differs: the price is one of several at this degenerate optimum, or the step crosses "
                        "a kink"),
    "explain.note": ("  说明：{text}", "  note: {text}"),
    "explain.warning": ("警告：{text}", "warning: {text}"),
    "explain.blocked": ("  只要 {rules} 将其限定为 0，无论权重多大都得不到分配",
                        "  it gets nothing whatever its weight while {rules} holds it at 0"),
    "explain.blocked_many": ("  只要 {rules} 将其限定为 0，无论权重多大都得不到分配",
                             "  it gets nothing whatever its weight while {rules} hold it at 0"),
    "explain.threshold_note": ("  权重门槛：{note}", "  weight threshold: {note}"),
    "explain.reduced_cost": ("  既约成本：每强制分配给它 1 {unit}，目标变差 {rise}",
                             "  reduced cost: each {unit} forced into it would worsen the objective by {rise}"),
    "explain.weight": ("  {lead}权重 {indicator}（{desc}）= {value} 至少要提高 {rise}，达到 "
                       "{target}，才能得到{what}{stage}（既约成本）",
                       "  {lead} weight {indicator} ({desc}) = {value} would have to rise by at least {rise} "
                       "to {target} before it gets {what}{stage} (reduced cost)"),
    "explain.weight_lead_blocked": ("除此之外，其", "without that, its"),
    "explain.weight_lead": ("其", "its"),
    "explain.stage": ("（效率作为并列时的次要目标）", " (the efficiency tie-break)"),
    "explain.what_land": ("土地", "land"),
    "explain.what_any": ("分配", "any"),
    "explain.resolved": ("    重新求解：权重提高约 {rise} 至 {target} 时它得到 {allocation}（{solves} 次求解）",
                         "    re-solves: it gets land ({allocation}) once the weight rises by about {rise} to {target} "
                         "({solves} solves)"),
    "explain.tilt": ("  倾斜约束 {rule}{source}：{by} {score}，排名 {rank} / {members}；它得到 {per_mu} {per}",
                     "  tilt {rule}{source}: {by} {score}, rank {rank} of {members}; it gets {per_mu} {per}"),
    "explain.per_existing_mu": ("{unit}/亩现有土地", "{unit} per existing mu"),
    "explain.held_down": ("    被压到 {who} 的水平（得分更高 {score}，{per_mu} "
                          "{per}）：每亩不能多于该开发区；此处每亩余量价值 {price}",
                          "    held down to the level of {who} (higher score {score}, {per_mu} {per}): it may "
                          "get no more per mu than that zone; each mu of slack here would be worth {price}"),
    "explain.held_up": ("    与 {who} 绑定（得分更低 {score}，{per_mu} "
                        "{per}）：每亩至少与该开发区一样多，因此该开发区不能多于它；此处每亩余量价值 {price}",
                        "    tied to {who} (lower score {score}, {per_mu} {per}): it must get at least as much "
                        "per mu as that zone, so that zone gets no more than it; each mu of slack here would "
                        "be worth {price}"),
    "explain.tied": ("    与得分顺序中的相邻开发区持平，无代价（倾斜约束以价格 0 起作用）",
                     "    level with its neighbours in the score order, at no cost (the tilt binds with price 0)"),
    "explain.free": ("    严格位于相邻开发区之间：倾斜约束对它不起作用",
                     "    strictly between its neighbours: the tilt does not bind for it"),
    "explain.next_higher": ("得分高一位", "next higher"),
    "explain.next_lower": ("得分低一位", "next lower"),
    "explain.neighbour": ("    {label}：{who}，得分 {score}，{per_mu} {per}",
                          "    {label}: {who}, score {score}, {per_mu} {per}"),
    "explain.run": ("    得分顺序中有 {n} 个开发区处于同一水平，从 {top}（得分 {top_score}）到 {bottom}（得分 "
                    "{bottom_score}）",
                    "    {n} zones in score order share this level, from {top} (score {top_score}) to {bottom} "
                    "(score {bottom_score})"),
    "explain.portfolio": ("  入选项目 {chosen} / {total} 个 · 全部 {all_chosen} / {all_total} 个 · {objective}",
                          "  {chosen} of its {total} projects chosen · {all_chosen} of {all_total} in all · "
                          "{objective}"),
    "explain.target": ("  目标 {rule}{source} {row}：{side} {bound}，当前 {activity}（{state}）",
                       "  target {rule}{source} {row}: {side} bound {bound}, at {activity} ({state})"),
    "explain.binds": ("起作用", "binds"),
    "explain.away": ("相差 {slack}", "{slack} away"),
    "explain.projects": ("  项目（目标贡献大的在前；贡献：入选时的目标项）：",
                         "  projects (the most valuable first; worth: the objective term when chosen):"),
    "explain.project": ("    {mark} {name}{sector}：贡献 {worth} · 需要 {needs} · 营业收入 {revenue}",
                        "    {mark} {name}{sector}: worth {worth} · needs {needs} · revenue {revenue}"),
    "explain.forced": ("      {how}它时方案的其他变化：{changes}", "      {how} it the plan also changes: {changes}"),
    "explain.without": ("去掉", "without"),
    "explain.with": ("加入", "with"),
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
    # -- report columns beyond the plans' ----------------------------------------------------
    "col.factor": ("总量倍数", "pool factor"),
    "col.pool_mu": ("指标总量", "pool"),
    "col.marginal": ("边际值（每亩）", "marginal (per mu)"),
    "col.secondary": ("并列时效率", "tie-break (efficiency)"),
    "col.note": ("说明", "note"),
    "col.epsilon": ("最低满足率要求 ε", "ε (fulfilment floor)"),
    "col.min_fulfilment": ("最低满足率", "lowest fulfilment"),
    "col.efficiency": ("效率", "efficiency"),
    "col.binding_rows": ("处于界值的行数", "rows at their bound"),
    "col.impact": ("一阶影响（Σ|影子价格|）", "first-order impact (Σ|price|)"),
    "col.top_price": ("最大影子价格", "largest price"),
    "col.top_row": ("其所在行", "its row"),
    "col.status_without": ("去掉该约束后的状态", "status without it"),
    "col.objective_without": ("去掉该约束后的目标值", "objective without it"),
    "col.cost": ("约束代价", "cost of the rule"),
    "col.objective_delta": ("Δ目标", "Δ objective"),
    "col.objective_unit": ("目标单位", "objective unit"),
    "col.allocated_delta": ("Δ已分配", "Δ allocated"),
    "col.message": ("信息", "message"),
    "col.largest_change": ("最大变化", "largest change"),
    "col.largest_change_mu": ("最大变化", "largest change"),
    "col.resource": ("资源", "resource"),
    "col.pools": ("指标", "pools"),
    "col.evaluation": ("评价", "evaluation"),
    "col.method": ("方法", "method"),
    "col.units": ("评价单元", "units"),
    "col.assigns": ("赋予", "assigns"),
    "col.score_unit": ("得分单位", "score unit"),
    "col.eval_score": ("{id} 得分", "{id} score"),
    "col.eval_rank": ("{id} 排名", "{id} rank"),
    "col.eval_grade": ("{id} 等级", "{id} grade"),
    "col.applies_to": ("适用资源", "applies to"),
    "col.kind_of_target": ("目标类型", "kind"),
    "col.leading": ("主导产业", "leading industry"),
    "col.industrial": ("工业项目", "industrial"),
    "col.fund_given": ("获得资金", "fund given"),
    "col.scenario": ("方案", "scenario"),
    "col.delta": ("Δ {label}", "Δ {label}"),
    # -- the report -------------------------------------------------------------------------
    "report.title": ("zoneopt 规划方案报告 · {name}", "zoneopt report · {name}"),
    "report.subtitle": ("开发区资源配置方案：{resources}", "Allocation of planning resources to development zones: "
                        "{resources}"),
    "report.generated": ("由 zoneopt 生成；求解器 {backend}", "Generated by zoneopt; backend {backend}"),
    "report.more_rows": ("……另有 {n} 行，见 `{book}` 工作表 `{sheet}`。",
                         "… {n} more rows in `{book}`, sheet `{sheet}`."),
    "report.more_rows_docx": ("……另有 {n} 行，见 {book} 工作表 {sheet}。", "… {n} more rows in {book}, sheet {sheet}."),
    "report.chart_not_drawn": ("图“{title}”未绘制：{note}。", "Chart “{title}” not drawn: {note}."),
    "report.in_workbook": ("{title}：共 {n} 行，见 `{book}` 工作表 `{sheet}`。",
                           "{title}: {n} rows in `{book}`, sheet `{sheet}`."),
    "report.in_workbook_docx": ("{title}：共 {n} 行，见 {book} 工作表 {sheet}。",
                                "{title}: {n} rows in {book}, sheet {sheet}."),
    "report.none": ("（无）", "(none)"),
    "report.contents": ("目录", "Contents"),
    "report.section.summary": ("概要", "Summary"),
    "report.section.evaluations": ("评价", "Evaluations"),
    "report.section.land": ("新增建设用地指标", "Land quota (新增建设用地指标)"),
    "report.section.emissions": ("排污指标", "Emission allowances (排污指标)"),
    "report.section.funds": ("基金投放", "Fund disbursement (基金投放)"),
    "report.section.portfolio": ("项目为王（项目组合）", "Project portfolio (项目为王)"),
    "report.section.scenarios": ("各资源的情景比较", "Scenarios over every resource"),
    "report.synthetic": ("**合成数据**：数字是虚构的（见实例的元数据）；本报告用于展示模型如何运作，不能作为决策依据。",
                         "**SYNTHETIC data**: the figures are made up (see the instance's metadata); use the report "
                         "to see how the model behaves, not for decisions."),
    "report.source": ("来源：{source}", "Source: {source}"),
    "report.t.summary": ("概要", "Summary"),
    "report.t.units": ("单位", "Units"),
    "report.t.warnings": ("警告", "Warnings"),
    "report.t.rules": ("约束及其政策条款", "Rules and their clauses"),
    "report.rules_caption": ("实例中的每条约束：编号、类型、所依据的政策条款及说明。",
                             "Every rule of the instance: its id, type, the policy clause it follows and its note."),
    "report.warnings": ("**警告**（预处理检查）：", "**Warnings** (presolve checks):"),
    "report.no_warnings": ("预处理检查无警告。", "No presolve warnings."),
    "report.f.instance": ("实例", "instance"),
    "report.f.zones": ("开发区数", "zones"),
    "report.f.resource": ("资源", "resource"),
    "report.f.status": ("状态", "status"),
    "report.f.objective": ("目标", "objective"),
    "report.f.pool": ("指标总量", "pool"),
    "report.f.pools": ("指标", "pools"),
    "report.f.allocated": ("已分配", "allocated"),
    "report.f.zones_allocated": ("获得指标的开发区", "zones allocated"),
    "report.f.projects_chosen": ("入选项目", "projects chosen"),
    "report.f.backend": ("求解器", "backend"),
    "report.f.solve_time": ("求解用时", "solve time"),
    "report.f.model": ("模型规模", "model"),
    "report.f.checked": ("独立校验", "checked"),
    "report.f.of": ("{a} / {b}", "{a} of {b}"),
    "report.model_size": ("{vars} 个变量 × {rows} 行（{kind}），土地单位 {unit} 亩",
                          "{vars} variables × {rows} rows ({kind}), land unit {unit} mu"),
    "report.u.land": ("土地", "land"),
    "report.u.land_unit": ("亩（1/15 公顷）", "mu (亩, 1/15 ha)"),
    "report.u.money": ("金额", "money"),
    "report.u.money_unit": ("{shown}（每亩、每吨的比率用 {rate}）", "{shown} (rates per mu or per t in {rate}; "
                            "1 yi yuan = 亿元 = 100 million yuan, 1 wan yuan = 万元 = 10,000 yuan)"),
    "report.u.energy": ("能源", "energy"),
    "report.u.energy_unit": ("吨标准煤", "tce (tonnes of standard coal)"),
    "report.u.emissions": ("排放", "emissions"),
    "report.u.emissions_unit": ("吨", "t"),
    "report.u.objective": ("{what}目标", "{what} objective"),
    "report.u.prices": ("影子价格", "shadow prices"),
    "report.u.prices_unit": ("目标单位/亩", "objective unit per mu"),
    "report.eval.none": ("实例不含评价：得分和等级取自实例本身。",
                         "The instance carries no evaluation: scores and grades are as given in the instance."),
    "report.eval.intro": ("方案从 {where} 读取各开发区的得分和等级。排名 1 为最好。",
                          "The plan reads each zone's score and grade from {where}. Rank 1 is the best."),
    "report.eval.itself": ("实例本身（没有评价赋予得分和等级）", "the instance itself (no evaluation assigns them)"),
    "report.eval.failed": ("`{id}` 无法运行：{error}", "`{id}` could not run: {error}"),
    "report.t.evaluations": ("评价方法", "Evaluations"),
    "report.t.eval_results": ("各开发区的评价结果", "Results per zone"),
    # land
    "report.land.intro": ("新增建设用地指标总量 {pool} 亩（约束 `land-total`{source}）分配给 {got} / {zones} "
                          "个开发区，已分配 {allocated} 亩。{objective}。影子价格单位为{price_unit}：约束界值每"
                          "变动 1 亩时目标值的变化（上限提高、下限提高、总量增加）。",
                          "The land pool of {pool} mu (rule `land-total`{source}) goes to {got} of {zones} "
                          "zones; {allocated} mu are allocated. {objective}. Shadow prices are in "
                          "{price_unit}: the change of the objective per mu of a rule's bound (a cap raised, a "
                          "floor raised, the pool enlarged)."),
    "report.land.shared": ("作用于总量或多个开发区的约束（不在各开发区行中列出）：{rules}。",
                           "Rules that bind on the pool or on several zones (not listed on each zone's row): "
                           "{rules}."),
    "report.t.allocation": ("各开发区分配", "Allocation per zone"),
    "report.c.allocation": ("按分配量排序；“每亩现有土地新增”为每亩现有土地获得的新增用地（倾斜约束按得分排序的量）；"
                            "“本区起作用的约束”只列该开发区自身的约束，作用于总量的约束见上文。",
                            "Sorted by allocation; new land per existing mu is what a tilt rule orders by score; "
                            "the rules binding for a zone are its own (pool-wide rules are said above)."),
    "report.t.score_chart": ("评价得分与每亩现有土地新增", "Score against allocation per existing mu"),
    "report.t.cities": ("各城市分配", "Allocation per city"),
    "report.t.bindings": ("起作用的约束及其影子价格", "Binding rules and shadow prices"),
    "report.c.bindings": ("处于界值的约束行，影子价格绝对值大的在前。影子价格单位：{price_unit}；“价格×界值”= "
                          "影子价格 × 界值；界值在［价格有效下界，价格有效上界］内时价格不变（HiGHS "
                          "灵敏度分析）{note}。",
                          "Rule rows at their bound, the largest prices first. Shadow price in {price_unit}; "
                          "price × bound = shadow price × bound; the price holds while the bound stays within "
                          "its range (HiGHS ranging){note}."),
    "report.t.ranking": ("按代价排序的约束", "Rules ranked by what they cost"),
    "report.c.ranking": ("一阶影响：该约束各行影子价格绝对值之和（{price_unit}），即每行放松 1 亩的一阶收益。",
                         "First-order impact: Σ |shadow price| over the rule's rows, {price_unit}: what loosening "
                         "every row of the rule by one mu would gain, to first order."),
    "report.c.ranking_cost": ("约束代价：去掉该约束重新求解后目标值的增加（{unit}），表按此排序。总量约束 "
                              "`land-total` 不能去掉。",
                              "Cost of the rule: the objective's gain when the rule is dropped and the plan "
                              "re-solved ({unit}); the table is ordered by it. The pool `land-total` cannot be "
                              "dropped."),
    "report.t.what_if": ("指标总量增减时的方案", "What if the pool were larger or smaller"),
    "report.c.what_if": ("总量（以及按总量比例表述的约束）按倍数缩放后重新求解；目标值单位 {unit}；边际值 = "
                         "目标对总量的导数（{price_unit}）。",
                         "The plan re-solved with the pool (and the rules stated as shares of it) scaled; the "
                         "objective in {unit}; marginal = d objective / d pool at that point ({price_unit})."),
    "report.t.what_if_zones": ("情景分析：各开发区分配", "What-if allocations per zone"),
    "report.t.frontier": ("效率—公平前沿", "Efficiency–equity frontier"),
    "report.c.frontier": ("要求每个申请用地且未被排除的开发区至少获得其申请的 ε 时的最大效率（{unit}，ε "
                          "约束法）；第一行为效率最优，最后一行为公平最优。",
                          "Maximum efficiency ({unit}) when every zone that asked for land (and is not "
                          "excluded) must get at least ε of its request (ε-constraint); the first row is the "
                          "efficiency optimum, the last the equity optimum."),
    "report.t.frontier_zones": ("前沿各点的开发区分配", "Frontier allocations per zone"),
    "report.frontier_failed": ("未计算：{error}", "not computed: {error}"),
    # emissions, funds, portfolio
    "report.t.pools": ("指标总量", "Pools"),
    "report.c.pools": ("各指标的总量及方案分配量（约束：该指标的总量约束编号）。",
                       "Each pool's total and what the plan allocates of it (rule: the pool's rule id)."),
    "report.t.emission_chart": ("各开发区、各污染物的排污指标", "Allowances per zone and pollutant"),
    "report.t.emission_alloc": ("各开发区排污指标", "Allowances per zone"),
    "report.c.emission_alloc": ("各污染物吨/年（及申请量）；“平均占总量份额”为该开发区在各污染物总量中份额的平"
                                "均值，按其排序。",
                                "t/yr per pollutant (and the zone's request); the mean share of the pools "
                                "sorts the table."),
    "report.t.emission_cities": ("各城市排污指标（吨/年）", "Allowances per city (t/yr)"),
    "report.c.emission_bindings": ("处于界值的约束行；影子价格单位为 {unit}/吨（行名末尾为污染物）。",
                                   "Rule rows at their bound; shadow price in {unit} per t of the row's pollutant "
                                   "(the row name ends with it)."),
    "report.emissions.intro": ("区域削减腾出的排污指标（{method}）：{n} 种污染物，{got} / {zones} "
                               "个开发区获得指标。{objective}。排污指标单位为吨/年。",
                               "Emission allowances freed by regional reduction ({method}): {n} pollutant "
                               "pools, {got} of {zones} zones get some. {objective}. Allowances in t/yr."),
    "report.t.fund_chart": ("各开发区资金", "Funds per zone"),
    "report.t.fund_alloc": ("各开发区资金", "Funds per zone"),
    "report.c.fund_alloc": ("资金单位 {money}；资金杠杆率 = 资金 / "
                            "所带动的投资；目标权重为每单位资金的目标系数（含产业优先系数）。",
                            "{money}; leverage = funds / the investment they co-finance; the objective weight "
                            "is per unit of money (sector priority included)."),
    "report.t.fund_cities": ("各城市资金（{money}）", "Funds per city ({money})"),
    "report.c.fund_bindings": ("处于界值的约束行；影子价格单位为 {unit}/{money}（仅线性规划）。",
                               "Rule rows at their bound; shadow price in {unit} per {money} (LP only)."),
    "report.funds.intro": ("年度基金预算 {budget}（{method}）：{allocated} 拨付给 {got} / {zones} "
                           "个开发区。{objective}。{prices}",
                           "The year's fund budget of {budget} ({method}): {allocated} disbursed to {got} of "
                           "{zones} zones. {objective}. {prices}"),
    "report.funds.prices_lp": ("影子价格单位为 {unit}/{money}。", "Shadow prices in {unit} per {money}."),
    "report.funds.prices_mip": ("按整份拨付，为混合整数规划：没有影子价格。",
                                "Whole tranches make it a MIP: no shadow prices."),
    "report.portfolio.intro": ("联合项目组合（项目为王，混合整数规划）：在 {got} / {zones} 个开发区中选中 "
                               "{chosen} / {total} 个项目。{objective}。土地、排污和资金的每条总量约束和开发区"
                               "约束都作用于入选项目的合计。",
                               "The joint project portfolio (项目为王, a MIP): {chosen} of {total} projects "
                               "chosen in {got} of {zones} zones. {objective}. Every pool and zone rule of "
                               "land, allowances and funds applies to the chosen projects' totals."),
    "report.t.pool_use": ("入选项目使用各指标的比例", "Share of each pool the chosen projects use"),
    "report.t.targets": ("目标", "Targets"),
    "report.c.targets": ("个数目标：项目实施后达到门槛的开发区数；比例目标：实现的比例。",
                         "Count targets: zones reaching the threshold after the chosen projects; share targets: the "
                         "share achieved."),
    "report.t.revenue": ("入选项目前后的营业收入", "Revenue before and after the chosen projects"),
    "report.t.portfolio_zones": ("各开发区入选项目合计", "Zone totals of the chosen projects"),
    "report.c.portfolio_zones": ("用地为亩，排污为吨/年，资金和营业收入为 {money}；“达到…”表示该开发区是否达到"
                                 "个数目标的门槛。",
                                 "Land in mu, allowances in t/yr, funds and revenue in {money}; reaches "
                                 "<target>: whether the zone reaches a count target's threshold."),
    "report.t.projects": ("项目", "Projects"),
    "report.c.projects": ("入选项目在前，目标贡献大的在前（目标贡献：项目入选时对目标的贡献）。",
                          "Chosen projects first, the most valuable first (objective term: what a project adds to "
                          "the objective when chosen)."),
    "report.c.portfolio_bindings": ("处于界值的约束行（混合整数规划没有影子价格）。",
                                    "Rule rows at their bound (a MIP has no shadow prices)."),
    # scenarios
    "report.t.scenarios": ("情景", "Scenarios"),
    "report.c.scenarios": ("每个情景重新求解；差值相对于 `base`。",
                           "Each scenario re-solved; differences against `base`."),
    "report.t.scenario_changes": ("各情景中分配变化最大的开发区",
                                  "Zones whose allocation changes most across scenarios"),
    "report.c.scenario_changes": ("各情景的分配（亩）；“最大变化”为相对 `base` 的最大带符号变化。",
                                  "Allocation (mu) per scenario; the largest change is the largest signed change from "
                                  "`base`."),
    "report.t.scenario_allocations": ("各情景的开发区分配", "Scenario allocations per zone"),
    "report.t.scenario_cities": ("各情景的城市分配", "Scenario allocations per city"),
    "report.scenario.as_given": ("实例原样", "the instance as given"),
    "report.scenario.intro": ("每个情景对每种资源重新求解；差值相对于 `base`。",
                              "Each scenario re-solved for every resource; differences against `base`."),
    "report.t.scenario_resources": ("各资源的情景", "Scenarios per resource"),
    "report.t.scenario_quantity": ("{q}：变化最大的开发区（{unit}）", "{q}: zones that change most ({unit})"),
    "report.c.scenario_quantity": ("各情景的 {q}，{unit}；“最大变化”为相对 `base` 的最大带符号变化。",
                                   "{q} per scenario, {unit}; the largest change is the largest signed change from "
                                   "`base`."),
    "report.scenario.unchanged": ("任何情景下都没有开发区的 {qs} 发生变化。",
                                  "No zone's {qs} changes in any scenario."),
    "report.t.scenario_every": ("各情景各开发区的所有量", "Scenario allocations per zone, every quantity"),
    # charts
    "chart.new_land_mu": ("新增建设用地（亩）", "new construction land, mu"),
    "chart.allocation_title": ("各开发区分配（{shown} 个获得指标的开发区；{none} 个未获得）",
                               "Allocation per zone ({shown} zones with land; {none} get none)"),
    "chart.largest_of": ("{got} 个中最大的 {n} 个", "the {n} largest of {got}"),
    "chart.of_request": ("（申请的 {p}）", "  ({p} of request)"),
    "chart.grade": ("{g} 级", "grade {g}"),
    "chart.no_grade": ("无等级", "no grade"),
    "chart.per_existing_mu": ("每亩现有土地新增（亩）", "new land per mu of existing land"),
    "chart.score_title": ("评价得分与每亩现有土地新增（{pos} 个开发区获得指标，{zero} 个为 0{extra}）",
                          "Score against allocation per existing mu ({pos} zones with land, {zero} at 0{extra})"),
    "chart.named_largest": ("标注了最大的 {n} 个", "the {n} largest allocations named"),
    "chart.zeros_unnamed": ("为 0 的未标注", "zones at 0 not named"),
    "chart.score": ("评价得分", "evaluation score"),
    "chart.at_zero": ("分配为 0", "at 0"),
    "chart.cities_title": ("各城市分配", "Allocation per city"),
    "chart.of_pool": ("（占总量 {p}）", "  ({p} of the pool)"),
    "chart.objective": ("目标值", "objective"),
    "chart.unit": ("单位：{unit}", "unit: {unit}"),
    "chart.what_if_title": ("指标总量增减时的方案", "What if the pool were larger or smaller"),
    "chart.allocated": ("已分配", "allocated"),
    "chart.pool_all": ("总量（全部分配）", "pool (all of it)"),
    "chart.allocated_mu": ("已分配土地（亩）", "allocated land, mu"),
    "chart.pool_mu": ("指标总量（亩）", "land pool, mu"),
    "chart.eff_optimum": ("效率最优", "efficiency optimum"),
    "chart.eq_optimum": ("公平最优", "equity optimum"),
    "chart.min_fulfilment": ("各开发区中最低的满足率（%）", "smallest share of its request any zone gets, %"),
    "chart.efficiency": ("效率", "efficiency"),
    "chart.frontier_title": ("效率—公平前沿（ε 约束法）", "Efficiency–equity frontier (ε-constraint)"),
    "chart.emission_panel": ("{p}：{total} 吨/年，{got} 个开发区{more}", "{p}: {total} t/yr to {got} zones{more}"),
    "chart.top_of": ("，前 {n} / {got}", ", top {n} of {got}"),
    "chart.t_per_year": ("吨/年", "t/yr"),
    "chart.emission_title": ("各开发区排污指标（各污染物分配最多的开发区）",
                             "Emission allowances per zone (the largest allocations of each pollutant)"),
    "chart.request": ("申请", "request"),
    "chart.funds": ("资金", "funds"),
    "chart.funds_axis": ("资金（{money}）", "funds, {money}"),
    "chart.funds_title": ("各开发区资金（{shown} 个获得资金的开发区；{none} 个未获得）",
                          "Funds per zone ({shown} zones funded; {none} get none)"),
    "chart.leverage": ("（杠杆率 {p}）", "  (leverage {p})"),
    "chart.share_used": ("使用的比例（%）", "share of the pool used, %"),
    "chart.pools_title": ("{chosen} 个入选项目（共 {total} 个）使用的指标",
                          "Pools used by the {chosen} chosen projects (of {total})"),
    "chart.pool_line": ("{p}：{a} / {t} {unit}", "{p}: {a} of {t} {unit}"),
    "chart.before": ("项目前{metric}", "{metric} before"),
    "chart.added": ("入选项目新增", "added by the chosen projects"),
    "chart.target_line": ("{id}：≥ {threshold}（至少 {n} 个开发区）", "{id}: ≥ {threshold} (at least {n} zones)"),
    "chart.metric_axis": ("{metric}（{money}/年）", "{metric}, {money}/yr"),
    "chart.revenue_title": ("入选项目前后各开发区的{metric}与个数目标门槛",
                            "Zones' {metric} before and after the chosen projects, against the count targets"),
    "note.no_land": ("本方案中没有开发区获得土地", "no zone gets land in this plan"),
    "note.no_score": ("没有开发区有得分（没有评价赋予得分，实例也未给出）",
                      "no zone has a score (no evaluation assigns one and the instance gives none)"),
    "note.no_city_land": ("本方案中没有城市获得土地", "no city gets land in this plan"),
    "note.what_if_few": ("{factors} 中有解的总量少于两个（见表）", "fewer than two pool sizes of {factors} have a "
                         "solution (see the table)"),
    "note.what_if_none": ("这些总量下都没有分配土地", "no land is allocated at any of these pool sizes"),
    "note.frontier_few": ("前沿有解的点少于两个", "the frontier has fewer than two solved points"),
    "note.no_allowances": ("本方案中没有开发区获得任何污染物的排污指标",
                           "no zone gets allowances of any pollutant in this plan"),
    "note.no_funds": ("本方案中没有开发区获得资金", "no zone gets funds in this plan"),
    "note.no_pools": ("项目组合不使用任何指标", "the portfolio draws on no pool"),
    "note.no_projects": ("本方案中没有项目入选", "no project is chosen in this plan"),
    "note.no_metric": ("没有开发区报告{metric}", "no zone reports its {metric}"),
    "note.charts_off": ("未绘制图表（charts=False）", "charts were not drawn (charts=False)"),
}


def _merge(extra: dict[str, tuple[str, str]]) -> None:
    """Add the verbs' entries (:mod:`zoneopt.plans.glossary_verbs`) to the one glossary; a key
    in both is a bug."""
    both = sorted(set(GLOSSARY) & set(extra))
    if both:
        raise KeyError(f"glossary keys defined twice: {', '.join(both)}")
    GLOSSARY.update(extra)


_merge(VERB_GLOSSARY)
_merge(TARGET_GLOSSARY)


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


@dataclass(frozen=True)
class Term:
    """A field of a :func:`spoken` sentence that is itself a glossary term (``group.city``: 城市
    or city), said in the sentence's language; ``default`` when the glossary has no such entry
    (an indicator the instance names itself)."""

    key: str
    default: str | None = None


_SPOKEN: OrderedDict[str, tuple[str, dict[str, object]]] = OrderedDict()
_SPOKEN_MAX = 4096


def _field(v: object, lang: str, money: MoneyWords | None) -> object:
    if isinstance(v, Term):
        return term(v.key, lang, v.default)
    if isinstance(v, Amount):
        if money is not None:
            return money(v.value, v.per_year)
        return f"{written(v.value)} {v.unit}" + ("/yr" if v.per_year else "")
    if isinstance(v, Phrase):
        return _fill(v.key, lang, dict(v.fields), money)
    if isinstance(v, tuple):  # a list of fields, said as one
        return ("、" if lang == "zh" else ", ").join(str(_field(x, lang, money)) for x in v)
    return v


def _fill(key: str, lang: str, fields: dict[str, object], money: MoneyWords | None = None) -> str:
    return text(key, lang, **{k: _field(v, lang, money) for k, v in fields.items()})


def spoken(key: str, **fields: object) -> str:
    """A sentence a model or an analysis produces (a note, a warning, a presolve finding),
    written in English from the glossary entry ``key``; the entry and fields are remembered
    (the last few thousand), so :func:`said_again` — and through it every display — says the
    same sentence in another language. Fields may be :class:`Term` objects."""
    sentence = _fill(key, "en", fields)
    _SPOKEN[sentence] = (key, dict(fields))
    _SPOKEN.move_to_end(sentence)
    while len(_SPOKEN) > _SPOKEN_MAX:
        _SPOKEN.popitem(last=False)
    return sentence


def said_again(sentence: str, lang: str, money: MoneyWords | None = None) -> str:
    """``sentence`` in ``lang`` when :func:`spoken` wrote it in this process (its entry and
    fields are known), else as it is; ``money(value, per_year)`` says its :class:`Amount`
    fields (a display's money in the unit it shows). A sentence may end in a spoken one after a
    prefix such as ``2021: `` (a year's warning), which is kept."""
    found = _SPOKEN.get(sentence)
    if found is not None:
        return _fill(found[0], lang, found[1], money)
    head, sep, rest = sentence.partition(": ")
    if sep and rest in _SPOKEN:
        key, fields = _SPOKEN[rest]
        return head + ("：" if lang == "zh" else ": ") + _fill(key, lang, fields, money)
    return sentence


def term(key: str, lang: str, default: str | None = None) -> str:
    """The entry ``key`` in ``lang`` without fields, or ``default`` (the key itself when None)
    when the glossary has no such entry: for values such as ``level.national``."""
    pair = GLOSSARY.get(key)
    if pair is None:
        return key if default is None else default
    return pair[0] if lang == "zh" else pair[1]
