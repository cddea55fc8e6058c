"""The glossary's entries for the targets of a plan over years and of the designation model
(what a target requires, what the plan achieves, why it falls short, what an unmodelled target
needs; the designation's decisions and reasons), and the fields a :func:`~zoneopt.plans.glossary.spoken`
sentence may carry besides plain values: :class:`Amount` (money, said in the display's unit) and
:class:`Phrase` (a glossary sentence inside another). Part of the one glossary: merged into
:data:`zoneopt.plans.glossary.GLOSSARY`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Amount:
    """A money field of a :func:`spoken` sentence: ``value`` in the instance's money (its label
    ``unit``, e.g. ``万元 (1e4 yuan)``), said by a display in the unit it shows money in (a
    threshold of 10,000,000 万元 reads 1,000 亿元), by the sentence itself as written."""

    value: float
    unit: str
    per_year: bool = False


@dataclass(frozen=True)
class Phrase:
    """A field of a :func:`spoken` sentence that is itself a glossary sentence (``key`` with its
    ``fields``, which may be :class:`Term`, :class:`Amount` or :class:`Phrase` in turn)."""

    key: str
    fields: tuple[tuple[str, object], ...] = ()

    @staticmethod
    def of(key: str, **fields: object) -> Phrase:
        return Phrase(key, tuple(fields.items()))


MoneyWords = Callable[[float, bool], str]


def written(v: float) -> str:
    return f"{v:,.4g}" if abs(v) < 1e5 else f"{v:,.0f}"



TARGET_GLOSSARY: dict[str, tuple[str, str]] = {
    # -- the targets of a plan over years (zoneopt.models.year_targets) -------------------------
    "tq.rate_req": ("≥ {rate}/年", "≥ {rate}/yr"),
    "tq.rate": ("{rate}/年", "{rate}/yr"),
    "tq.ge": ("≥ {v}", "≥ {v}"),
    "tq.le": ("≤ {v}", "≤ {v}"),
    "tq.between": ("{lo} 且 {hi}", "{lo} and {hi}"),
    "tq.ratio": ("{num}/{den}", "{num}/{den}"),
    "tq.amount": ("{v}{unit}", "{v} {unit}"),
    "tq.level_req": ("{per} {bound}", "{per} {bound}"),
    "tq.per.total": ("合计", "total"),
    "tq.per.mean": ("平均", "mean"),
    "tq.per.zone": ("每个开发区", "zone"),
    "tq.scope.each": ("每个开发区", "each zone"),
    "tq.scope.zones": ("{n} 个开发区", "{n} zones"),
    "tq.zones_of": ("{k} / {n} 个开发区", "{k} of {n} zones"),
    "tq.count_req": ("{metric} ≥ {threshold} 的开发区 ≥ {n} 个", "≥ {n} zones with {metric} ≥ {threshold}"),
    "tq.count_short": ("所选 {zones} 个开发区中有 {achieved} 个的{metric}达到 {threshold}，"
                       "需要 {required} 个：差 {gap} 个；"
                       "仅靠自然增长有 {organic} 个达到{no_effect}",
                       "{achieved} of {zones} selected zones reach {metric} ≥ {threshold}, {required} needed: short "
                       "by {gap}; {organic} reach it by organic growth alone{no_effect}"),
    "tq.growth_short": ("缺口 {gap}：自然增长达到 {organic}，指标分配带来 {added}，需要 {required}{no_effect}",
                        "short by {gap}: organic growth gives {organic}, the allocations add {added}, {required} "
                        "required{no_effect}"),
    "tq.level_short": ("缺口{upto} {gap}{organic}{zones}{no_effect}{least}",
                       "short by {upto}{gap}{organic}{zones}{no_effect}{least}"),
    "tq.up_to": ("最多", "up to "),
    "tq.organic_alone": ("（仅靠自然增长为 {v}）", " (organic growth alone gives {v})"),
    "tq.zones_short": ("；未达标的开发区：{ids}", "; zones short: {ids}"),
    "tq.least": ("；这是硬约束所允许的最小缺口", "; the least shortfall the hard rules allow"),
    "tq.no_effect_it": ("；没有任何指标分配能带动它（无效应）", "; no allocation moves it (no effect)"),
    "tq.no_effect": ("；没有任何指标分配能带动 {metric}（无效应）", "; no allocation moves {metric} (no effect)"),
    "tq.at_least_zones": ("≥ {n} 个开发区", "≥ {n} zones"),
    "tq.designation_unsolved": ("此处未建模：本方案求解时未包含开发区设立",
                                "not modelled here: the plan was solved without its designation"),
    "tq.needs": ("未建模：需要 {needs}{now}", "not modelled: needs {needs}{now}"),
    "tq.match_now": ("；目前有 {k} 个开发区符合", "; {k} zones match it now"),
    # -- cluster targets (zoneopt.models.cluster_targets) ----------------------------------------
    "tq.cl.by.province": ("全省", "province"),
    "tq.cl.by.city": ("市域", "city"),
    "tq.cl.by.county": ("县域", "county"),
    "tq.cl.province": ("全省", "province"),
    "tq.cl.scope": ("{n} 个产业集群（{by} × 产业）", "{n} groups ({by} × industry)"),
    "tq.cl.req": ("{metric} ≥ {threshold} 的{by}产业集群 ≥ {n} 个{split}",
                  "≥ {n} {by} clusters with {metric} ≥ {threshold}{split}"),
    "tq.cl.split": ("（{k} 个开发区的数值在其产业间平均分配：假设）",
                    " ({k} zones' figure split equally among their industries: an assumption)"),
    "tq.cl.n": ("{n} 个", "{n} clusters"),
    "tq.cl.short": ("{groups} 个{by}产业集群（开发区内的部分）中有 {achieved} 个的{metric}达到 {threshold}，"
                    "需要 {required} 个：差 {gap} 个；仅靠自然增长有 {organic} 个达到{nearest}{no_effect}{least}",
                    "{achieved} of {groups} {by} clusters (the zones' part) reach {metric} ≥ {threshold}, {required} "
                    "needed: short by {gap}; {organic} reach it by organic growth alone{nearest}{no_effect}{least}"),
    "tq.cl.nearest": ("；最接近的：{groups}", "; nearest: {groups}"),
    "tq.cl.gap": ("{group}（差 {gap}）", "{group} (short by {gap})"),
    "tq.cl.list": ("{a}、{b}", "{a}, {b}"),
    "tq.cl.group": ("{place}{industry}", "{place} {industry}"),
    "tq.d.short": ("差 {gap} 个：{limits}{allow}", "short by {gap}: {limits}{allow}"),
    "tq.d.allow": ("；约束允许到 {year} 年达到 {most} 个：其他目标与县域、数量约束共同限制了它",
                   "; the rules allow {most} by {year}: the other targets and the county and count rules together "
                   "hold it back"),
    "tq.d.counted": ("已计入 {k} 个 + ", "{k} counted already + "),
    "tq.d.scope_candidates": ("{n} 个候选园区", "{n} candidates"),
    "tq.d.required": ("≥ {n} 个开发区（{counted}{year} 年前{decision}）",
                      "≥ {n} zones ({counted}{decision} by {year})"),
    "tq.d.establish": ("新设立", "designated"),
    "tq.d.upgrade": ("推荐升级", "recommended"),
    "tq.d.convert": ("转型", "converted"),
    "tq.d.status": ("获{label}", "awarded {label}"),
    # -- designation reasons (zoneopt.plans.designation_words) -----------------------------------
    "dr.score": ("符合全部条件；得分 {g0}", "meets every criterion; score {g0}"),
    "dr.selected_score": ("入选；得分 {g0}", "selected; score {g0}"),
    "dr.frees": ("符合全部条件；腾出县 {g0} 的名额，由 {g1} 使用", "meets every criterion; frees county {g0}'s place, "
                 "taken by {g1}"),
    "dr.frees_none": ("符合全部条件，但腾出的名额没有符合条件的候选园区需要（自身价值为 0）",
                      "meets every criterion, but frees no place a qualifying candidate needs (worth 0 itself)"),
    "dr.nothing": ("对目标值无贡献（其值为 0）", "adds nothing to the measure (its value is 0)"),
    "dr.must_convert": ("须转型为城市功能区（convert.required）：不推荐",
                        "must convert to an urban functional area (convert.required): not recommended"),
    "dr.county_full": ("县 {g0} 已有 {g1} 个开发区，上限 {g2} 个，且其开发区均不能转型",
                       "county {g0} has {g1} zone(s), its cap is {g2}, and none of its zones may convert"),
    "dr.county_no_conversion": ("县 {g0} 已有 {g1} 个开发区，上限 {g2} 个，且没有转型腾出名额",
                                "county {g0} has {g1} zone(s), its cap is {g2} and no conversion frees a place"),
    "dr.county_taken": ("县 {g0} 的名额由 {g1} 使用", "county {g0}'s place goes to {g1}"),
    "dr.count": ("数量名额给了得分更高的园区（入选最低分 {g0}）",
                 "the count's places go to parks that score higher (lowest chosen {g0})"),
    "dr.named": ("文件点名；符合全部条件；得分 {g0}", "named by its clause; meets every criterion; score {g0}"),
    "dr.named_plain": ("文件点名；符合全部条件", "named by its clause; meets every criterion"),
    "dr.held": ("已具备（计入其目标）", "holds it already (its targets count it)"),
    "dr.excluded": ("被约束 `{g0}` 排除", "excluded by rule `{g0}`"),
    "dr.status_must_convert": ("须转型为城市功能区（convert.required）：不授予",
                               "must convert to an urban functional area (convert.required): not awarded"),
    "dr.status_converts": ("转型为城市功能区：已转型的开发区不授予任何称号",
                           "converts to an urban functional area: a converted zone is awarded no status"),
    "dr.not_needed": ("无需：不含它已满足点名园区与目标",
                      "not needed: the named zones and the targets are met without it"),
    "dr.word.meets_every_criterion": ("符合全部条件", "meets every criterion"),
    "dr.word.selected": ("入选", "selected"),
    "dr.word.chosen": ("入选", "chosen"),
    "dr.fails": ("未达标：{parts}", "fails {parts}"),
    "dr.fail_part": ("{indicator} = {value}（需 {need}）", "{indicator} = {value} (needs {need})"),
    "dr.top": ("排名前 {n}", "within the first {n}"),
    "dr.and": (" 且 ", " and "),
    "dr.missing": ("缺失", "missing"),
    "dunit.score·years": ("分·年", "score·years"),
    "indicator.leading_share": ("主导产业占比", "leading-industry share"),
    "indicator.export_share": ("出口占比", "export share"),
    # -- the designate verb (zoneopt.cli.designate) ----------------------------------------------
    "des.banner": ("zoneopt 开发区设立 · {name}", "zoneopt · {name}"),
    "des.head": ("开发区设立 {first}–{last} 年：{candidates} 个候选园区中 {designated} 个新设立"
                 "（{qualifying} 个符合条件）"
                 " · 推荐 {recommended} 个申报国家级 · {converted} 个转型 · 开发区 {before} → {after} 个",
                 "designation {first}–{last}: {designated} of {candidates} candidate parks designated ({qualifying} "
                 "qualify) · {recommended} recommended for national status · {converted} converted · zones {before} "
                 "→ {after}"),
    "des.chosen": ("入选：", "chosen:"),
    "des.rest": ("未入选的候选园区，按使其落选的约束：{counts}",
                 "candidates not designated, by the rule that keeps them out: {counts}"),
    "des.year": ("{year}：新设 {a} · 推荐 {b} · 转型 {c}", "{year}: +{a} ↑{b} →{c}"),
    "des.target": ("[{status}] {rule}（{source}）：{required}，实现 {achieved}",
                   "[{status}] {rule} ({source}): {required}, achieved {achieved}"),
    "des.measure": ("目标值：{value} {unit}", "measure: {value} {unit}"),
    "des.tie_break": (" · 并列时按排名：{value} 分", " · tie-break {value} rank points"),
    "part.establish": ("新设立", "establish"),
    "part.upgrade": ("升级", "upgrade"),
    "part.convert": ("转型", "convert"),
    # -- explain: why a zone is or is not designated (zoneopt.plans.designation) ------------------
    "dx.head": ("新增、晋升、转型：", "designation (新增、晋升、转型):"),
    "dx.none": ("{zone} 既不是候选园区，也不在晋升或转型之列",
                "designation: {zone} is not a candidate, nor considered for an upgrade or conversion"),
    "dx.line": ("{part}：{zone}（{name}，{county}）{what}{year}：{reason}{cite}",
                "{part}: {zone} ({name}, {county}) {what}{year}: {reason}{cite}"),
    "dx.status_line": ("{status}（{label}）：{zone}（{name}，{county}）{what}：{reason}{cite}",
                       "{status} ({label}): {zone} ({name}, {county}) {what}: {reason}{cite}"),
    "dx.decision.designated": ("获设立", "designated"),
    "dx.decision.recommended": ("获推荐晋升", "recommended"),
    "dx.decision.converted": ("转型", "converted"),
    "dx.not": ("未{what}", "not {what}"),
    "dx.in": ("（{year} 年）", " in {year}"),
    "dx.cite": (" —— 约束 `{rule}`{source}", " — rule `{rule}`{source}"),
    "dx.awarded": ("{year} 年获授予", "awarded in {year}"),
    "dx.not_awarded": ("未获授予", "not awarded"),
    "des.statuses": ("称号（由省里支持申报、建设；联动区由自贸试验区批准）：",
                     "statuses (the province's backing to build or apply; a linkage area is the FTZ's to approve):"),
    "des.status_head": ("{label}（{status}）：授予 {awarded} 个 · {qualifying} / {zones} 个开发区符合条件 · "
                        "已具备 {held} 个",
                        "{label} ({status}): {awarded} awarded · {qualifying} of {zones} zones qualify · {held} hold "
                        "it already"),
    "des.not_needed": ("无需", "not needed"),
    "des.rest_status": ("未授予，按原因约束：{counts}", "not awarded, by the rule that keeps them out: {counts}"),
    "col.part": ("类别", "part"),
    "col.reason": ("理由", "reason"),
    # -- the engine a sweep ran on (zoneopt.analysis.sweeps.engines) ------------------------------
    "engine.serial": ("串行", "serial"),
    "engine.process": ("本机多进程", "process"),
    "engine.dask": ("Dask 集群", "dask"),
    "engine.none": ("无（均已完成）", "none"),
    "tunit.share": ("（比值）", "share"),
    "tunit.firms": (" 家", "firms"),
    "tunit.institutes": (" 家", "institutes"),
    "tunit.teams": (" 个", "teams"),
    "tunit.km": (" 公里", "km"),
    "tunit.mu": (" 亩", "mu"),
    "tunit.zones": (" 个开发区", "zones"),
    "tunit.rate/yr": (" 年均增速", "rate/yr"),
    "indicator.leading_revenue": ("主导产业主营业务收入", "leading-industry revenue"),
    "indicator.fixed_asset_investment": ("固定资产投资", "fixed-asset investment"),
    "indicator.fdi": ("实际利用外资", "foreign direct investment"),
    "indicator.out_of_province_capital": ("省外资金", "capital from outside the province"),
    "indicator.trade": ("进出口总额", "foreign trade"),
    "indicator.high_tech_firms": ("高新技术企业数", "high-tech firms"),
    "indicator.industrial_land_mu": ("产业用地", "industrial land"),
    "indicator.leading_investment": ("主导产业投资", "investment in the leading industries"),
    "indicator.industrial_investment": ("工业投资", "industrial investment"),
    "indicator.region_industrial_investment": ("所在地区工业投资", "the region's industrial investment"),
}

__all__ = ["Amount", "Phrase", "MoneyWords", "written", "TARGET_GLOSSARY"]
