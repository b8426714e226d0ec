"""The 养老诈骗 pack (blocklists/phrases/elderly_care.json): health-product hard sells, elder-care "investments" and
collectible auction fees aimed at older people, and the honest calls they get that use the same words."""

from __future__ import annotations

import pytest

from screening.transcript.detector import ScriptDetector
from screening.types import Level


@pytest.mark.parametrize(
    ("text", "combo"),
    [
        (
            "阿姨您上周在社区做的免费体检结果出来了，您血液黏稠得厉害，再不调理容易中风。我们有一款进口的调理套餐，"
            "原价一万六，给您申请了专家价六千八，名额就剩两个，您先交两千订金我给您留着。",
            "combo.elder_sale",
        ),
        (
            "大爷 您那套纪念币我们专家看了 品相特别好 下个月香港拍卖会能拍到三十万 就是上拍之前要交四千八的图录费和鉴定费 "
            "成交了从货款里扣",
            "combo.elder_auction",
        ),
        (
            "王奶奶 我们公司的养老项目现在开放认购 一股两万 每个月返一千六百块现金 三年后本金原封不动退给您 钱打我卡上就行 "
            "我明天上门给您送合同",
            "combo.elder_invest",
        ),
        (
            "叔叔您这个腰腿疼去医院也看不好，我们这个理疗仪用三个月就能扔掉拐杖，不用开刀不用吃药，内部价四千九，"
            "我下午带个机子过去给您刷卡。",
            "combo.elder_sale",
        ),
    ],
)
def test_scams_on_older_people_warn_and_name_the_scheme(det: ScriptDetector, text: str, combo: str) -> None:
    a = det.assess(text, style="call")
    assert a.level >= Level.WARN
    assert a.category == "elderly_care"
    assert combo in a.combos
    assert a.category_text is not None and "养老" in a.category_text.zh and "older people" in a.category_text.en


@pytest.mark.parametrize(
    "text",
    [
        "您好，这里是社区卫生服务中心，您上周参加的免费体检报告出来了，血脂有点高，请您带上医保卡到中心找王医生复查，不需要交费。",
        "阿姨您好，我是光明养老院的，您上次问的床位现在有空了，月费三千二，入住时按合同交一个月押金，您可以先带家人来院里看看再决定。",
        "爸，你那套邮票别卖给打电话来的那些人，周末我带你去市里的集邮协会让老师看看，值不值钱人家免费给你说。",
        "您好，这里是药房，您订的降压药到了，医保可以报销，您方便的时候带上医保卡来取，现金微信都可以付。",
    ],
)
def test_honest_calls_to_older_people_stay_calm(det: ScriptDetector, text: str) -> None:
    a = det.assess(text, style="call")
    assert a.level < Level.CAUTION, (a.score, [h.rule_id for h in a.hits])


@pytest.mark.parametrize(
    "text",
    [
        "这台车落地价十八万八 含购置税 保险和上牌费用",  # 上牌费用 sounds like 上拍费用
        "上牌的费用我们包了 您看车就行",
        "交个订金 我给您把这台车留着",  # a deposit to hold a sale is ordinary trade
    ],
)
def test_a_car_dealers_plate_fee_and_deposit_are_no_elderly_scam(det: ScriptDetector, text: str) -> None:
    a = det.assess(text, style="call")
    assert not [h.rule_id for h in a.hits if h.rule_id.startswith("elder.")]
    assert a.level < Level.CAUTION
