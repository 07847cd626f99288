//! Text folding and comparison keys for names, kana, addresses and phone numbers.

/// Full-width forms for the half-width range U+FF61..=U+FF9F, in code point order.
const HALF_KANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";

/// Voiced form (dakuten) of a katakana, if it has one.
fn voiced(c: char) -> Option<char> {
    match c {
        'カ' | 'キ' | 'ク' | 'ケ' | 'コ' | 'サ' | 'シ' | 'ス' | 'セ' | 'ソ' | 'タ' | 'チ'
        | 'ツ' | 'テ' | 'ト' | 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => {
            char::from_u32(c as u32 + 1)
        }
        'ウ' => Some('ヴ'),
        'ワ' => Some('ヷ'),
        'ヲ' => Some('ヺ'),
        _ => None,
    }
}

/// Semi-voiced form (handakuten) of a katakana, if it has one.
fn semi_voiced(c: char) -> Option<char> {
    match c {
        'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => char::from_u32(c as u32 + 2),
        _ => None,
    }
}

/// Folds full-width ASCII, the ideographic space and half-width katakana to their
/// ordinary forms, composing ﾞ/ﾟ with the preceding kana.
pub fn fold_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        match u {
            0xFF01..=0xFF5E => out.push(char::from_u32(u - 0xFEE0).unwrap_or(c)),
            0x3000 => out.push(' '),
            0xFF9E | 0xFF9F => {
                let composed = out.chars().next_back().and_then(|prev| {
                    if u == 0xFF9E {
                        voiced(prev)
                    } else {
                        semi_voiced(prev)
                    }
                });
                match composed {
                    Some(v) => {
                        out.pop();
                        out.push(v);
                    }
                    None => out.push(if u == 0xFF9E { '゛' } else { '゜' }),
                }
            }
            0xFF61..=0xFF9D => {
                let idx = (u - 0xFF61) as usize;
                out.push(HALF_KANA.chars().nth(idx).unwrap_or(c));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Variant kanji (異体字) and CJK compatibility ideographs mapped to their standard
/// forms, sorted by source code point.
static VARIANTS: &[(char, char)] = &[
    ('亞', '亜'),
    ('佛', '仏'),
    ('來', '来'),
    ('傳', '伝'),
    ('兒', '児'),
    ('兩', '両'),
    ('冨', '富'),
    ('劍', '剣'),
    ('區', '区'),
    ('參', '参'),
    ('國', '国'),
    ('圓', '円'),
    ('增', '増'),
    ('壽', '寿'),
    ('學', '学'),
    ('實', '実'),
    ('寬', '寛'),
    ('寳', '宝'),
    ('寶', '宝'),
    ('對', '対'),
    ('嵜', '崎'),
    ('嶋', '島'),
    ('嶌', '島'),
    ('嶽', '岳'),
    ('廣', '広'),
    ('廳', '庁'),
    ('彌', '弥'),
    ('德', '徳'),
    ('惠', '恵'),
    ('戶', '戸'),
    ('擇', '択'),
    ('晉', '晋'),
    ('曾', '曽'),
    ('會', '会'),
    ('桒', '桑'),
    ('條', '条'),
    ('榮', '栄'),
    ('槇', '槙'),
    ('檜', '桧'),
    ('櫻', '桜'),
    ('步', '歩'),
    ('歸', '帰'),
    ('淸', '清'),
    ('淺', '浅'),
    ('溪', '渓'),
    ('澁', '渋'),
    ('澤', '沢'),
    ('濱', '浜'),
    ('濵', '浜'),
    ('瀧', '滝'),
    ('瀨', '瀬'),
    ('營', '営'),
    ('爲', '為'),
    ('畫', '画'),
    ('眞', '真'),
    ('碕', '崎'),
    ('禮', '礼'),
    ('稻', '稲'),
    ('穗', '穂'),
    ('竝', '並'),
    ('縣', '県'),
    ('繪', '絵'),
    ('聽', '聴'),
    ('與', '与'),
    ('舘', '館'),
    ('莊', '荘'),
    ('萬', '万'),
    ('藏', '蔵'),
    ('螢', '蛍'),
    ('豐', '豊'),
    ('邉', '辺'),
    ('邊', '辺'),
    ('鐵', '鉄'),
    ('關', '関'),
    ('靜', '静'),
    ('顯', '顕'),
    ('驒', '騨'),
    ('驛', '駅'),
    ('髙', '高'),
    ('鹽', '塩'),
    ('黃', '黄'),
    ('黑', '黒'),
    ('齊', '斉'),
    ('齋', '斎'),
    ('齒', '歯'),
    ('龍', '竜'),
    ('\u{F900}', '豈'),
    ('\u{F901}', '更'),
    ('\u{F902}', '車'),
    ('\u{F903}', '賈'),
    ('\u{F904}', '滑'),
    ('\u{F905}', '串'),
    ('\u{F906}', '句'),
    ('\u{F907}', '龜'),
    ('\u{F908}', '龜'),
    ('\u{F909}', '契'),
    ('\u{F90A}', '金'),
    ('\u{F90B}', '喇'),
    ('\u{F90C}', '奈'),
    ('\u{F90D}', '懶'),
    ('\u{F90E}', '癩'),
    ('\u{F90F}', '羅'),
    ('\u{F910}', '蘿'),
    ('\u{F911}', '螺'),
    ('\u{F912}', '裸'),
    ('\u{F913}', '邏'),
    ('\u{F914}', '樂'),
    ('\u{F915}', '洛'),
    ('\u{F916}', '烙'),
    ('\u{F917}', '珞'),
    ('\u{F918}', '落'),
    ('\u{F919}', '酪'),
    ('\u{F91A}', '駱'),
    ('\u{F91B}', '亂'),
    ('\u{F91C}', '卵'),
    ('\u{F91D}', '欄'),
    ('\u{F91E}', '爛'),
    ('\u{F91F}', '蘭'),
    ('\u{F920}', '鸞'),
    ('\u{F921}', '嵐'),
    ('\u{F922}', '濫'),
    ('\u{F923}', '藍'),
    ('\u{F924}', '襤'),
    ('\u{F925}', '拉'),
    ('\u{F926}', '臘'),
    ('\u{F927}', '蠟'),
    ('\u{F928}', '廊'),
    ('\u{F929}', '朗'),
    ('\u{F92A}', '浪'),
    ('\u{F92B}', '狼'),
    ('\u{F92C}', '郎'),
    ('\u{F92D}', '来'),
    ('\u{F92E}', '冷'),
    ('\u{F92F}', '勞'),
    ('\u{F930}', '擄'),
    ('\u{F931}', '櫓'),
    ('\u{F932}', '爐'),
    ('\u{F933}', '盧'),
    ('\u{F934}', '老'),
    ('\u{F935}', '蘆'),
    ('\u{F936}', '虜'),
    ('\u{F937}', '路'),
    ('\u{F938}', '露'),
    ('\u{F939}', '魯'),
    ('\u{F93A}', '鷺'),
    ('\u{F93B}', '碌'),
    ('\u{F93C}', '祿'),
    ('\u{F93D}', '綠'),
    ('\u{F93E}', '菉'),
    ('\u{F93F}', '錄'),
    ('\u{F940}', '鹿'),
    ('\u{F941}', '論'),
    ('\u{F942}', '壟'),
    ('\u{F943}', '弄'),
    ('\u{F944}', '籠'),
    ('\u{F945}', '聾'),
    ('\u{F946}', '牢'),
    ('\u{F947}', '磊'),
    ('\u{F948}', '賂'),
    ('\u{F949}', '雷'),
    ('\u{F94A}', '壘'),
    ('\u{F94B}', '屢'),
    ('\u{F94C}', '樓'),
    ('\u{F94D}', '淚'),
    ('\u{F94E}', '漏'),
    ('\u{F94F}', '累'),
    ('\u{F950}', '縷'),
    ('\u{F951}', '陋'),
    ('\u{F952}', '勒'),
    ('\u{F953}', '肋'),
    ('\u{F954}', '凜'),
    ('\u{F955}', '凌'),
    ('\u{F956}', '稜'),
    ('\u{F957}', '綾'),
    ('\u{F958}', '菱'),
    ('\u{F959}', '陵'),
    ('\u{F95A}', '讀'),
    ('\u{F95B}', '拏'),
    ('\u{F95C}', '樂'),
    ('\u{F95D}', '諾'),
    ('\u{F95E}', '丹'),
    ('\u{F95F}', '寧'),
    ('\u{F960}', '怒'),
    ('\u{F961}', '率'),
    ('\u{F962}', '異'),
    ('\u{F963}', '北'),
    ('\u{F964}', '磻'),
    ('\u{F965}', '便'),
    ('\u{F966}', '復'),
    ('\u{F967}', '不'),
    ('\u{F968}', '泌'),
    ('\u{F969}', '數'),
    ('\u{F96A}', '索'),
    ('\u{F96B}', '参'),
    ('\u{F96C}', '塞'),
    ('\u{F96D}', '省'),
    ('\u{F96E}', '葉'),
    ('\u{F96F}', '說'),
    ('\u{F970}', '殺'),
    ('\u{F971}', '辰'),
    ('\u{F972}', '沈'),
    ('\u{F973}', '拾'),
    ('\u{F974}', '若'),
    ('\u{F975}', '掠'),
    ('\u{F976}', '略'),
    ('\u{F977}', '亮'),
    ('\u{F978}', '両'),
    ('\u{F979}', '凉'),
    ('\u{F97A}', '梁'),
    ('\u{F97B}', '糧'),
    ('\u{F97C}', '良'),
    ('\u{F97D}', '諒'),
    ('\u{F97E}', '量'),
    ('\u{F97F}', '勵'),
    ('\u{F980}', '呂'),
    ('\u{F981}', '女'),
    ('\u{F982}', '廬'),
    ('\u{F983}', '旅'),
    ('\u{F984}', '濾'),
    ('\u{F985}', '礪'),
    ('\u{F986}', '閭'),
    ('\u{F987}', '驪'),
    ('\u{F988}', '麗'),
    ('\u{F989}', '黎'),
    ('\u{F98A}', '力'),
    ('\u{F98B}', '曆'),
    ('\u{F98C}', '歷'),
    ('\u{F98D}', '轢'),
    ('\u{F98E}', '年'),
    ('\u{F98F}', '憐'),
    ('\u{F990}', '戀'),
    ('\u{F991}', '撚'),
    ('\u{F992}', '漣'),
    ('\u{F993}', '煉'),
    ('\u{F994}', '璉'),
    ('\u{F995}', '秊'),
    ('\u{F996}', '練'),
    ('\u{F997}', '聯'),
    ('\u{F998}', '輦'),
    ('\u{F999}', '蓮'),
    ('\u{F99A}', '連'),
    ('\u{F99B}', '鍊'),
    ('\u{F99C}', '列'),
    ('\u{F99D}', '劣'),
    ('\u{F99E}', '咽'),
    ('\u{F99F}', '烈'),
    ('\u{F9A0}', '裂'),
    ('\u{F9A1}', '說'),
    ('\u{F9A2}', '廉'),
    ('\u{F9A3}', '念'),
    ('\u{F9A4}', '捻'),
    ('\u{F9A5}', '殮'),
    ('\u{F9A6}', '簾'),
    ('\u{F9A7}', '獵'),
    ('\u{F9A8}', '令'),
    ('\u{F9A9}', '囹'),
    ('\u{F9AA}', '寧'),
    ('\u{F9AB}', '嶺'),
    ('\u{F9AC}', '怜'),
    ('\u{F9AD}', '玲'),
    ('\u{F9AE}', '瑩'),
    ('\u{F9AF}', '羚'),
    ('\u{F9B0}', '聆'),
    ('\u{F9B1}', '鈴'),
    ('\u{F9B2}', '零'),
    ('\u{F9B3}', '靈'),
    ('\u{F9B4}', '領'),
    ('\u{F9B5}', '例'),
    ('\u{F9B6}', '礼'),
    ('\u{F9B7}', '醴'),
    ('\u{F9B8}', '隸'),
    ('\u{F9B9}', '惡'),
    ('\u{F9BA}', '了'),
    ('\u{F9BB}', '僚'),
    ('\u{F9BC}', '寮'),
    ('\u{F9BD}', '尿'),
    ('\u{F9BE}', '料'),
    ('\u{F9BF}', '樂'),
    ('\u{F9C0}', '燎'),
    ('\u{F9C1}', '療'),
    ('\u{F9C2}', '蓼'),
    ('\u{F9C3}', '遼'),
    ('\u{F9C4}', '竜'),
    ('\u{F9C5}', '暈'),
    ('\u{F9C6}', '阮'),
    ('\u{F9C7}', '劉'),
    ('\u{F9C8}', '杻'),
    ('\u{F9C9}', '柳'),
    ('\u{F9CA}', '流'),
    ('\u{F9CB}', '溜'),
    ('\u{F9CC}', '琉'),
    ('\u{F9CD}', '留'),
    ('\u{F9CE}', '硫'),
    ('\u{F9CF}', '紐'),
    ('\u{F9D0}', '類'),
    ('\u{F9D1}', '六'),
    ('\u{F9D2}', '戮'),
    ('\u{F9D3}', '陸'),
    ('\u{F9D4}', '倫'),
    ('\u{F9D5}', '崙'),
    ('\u{F9D6}', '淪'),
    ('\u{F9D7}', '輪'),
    ('\u{F9D8}', '律'),
    ('\u{F9D9}', '慄'),
    ('\u{F9DA}', '栗'),
    ('\u{F9DB}', '率'),
    ('\u{F9DC}', '隆'),
    ('\u{F9DD}', '利'),
    ('\u{F9DE}', '吏'),
    ('\u{F9DF}', '履'),
    ('\u{F9E0}', '易'),
    ('\u{F9E1}', '李'),
    ('\u{F9E2}', '梨'),
    ('\u{F9E3}', '泥'),
    ('\u{F9E4}', '理'),
    ('\u{F9E5}', '痢'),
    ('\u{F9E6}', '罹'),
    ('\u{F9E7}', '裏'),
    ('\u{F9E8}', '裡'),
    ('\u{F9E9}', '里'),
    ('\u{F9EA}', '離'),
    ('\u{F9EB}', '匿'),
    ('\u{F9EC}', '溺'),
    ('\u{F9ED}', '吝'),
    ('\u{F9EE}', '燐'),
    ('\u{F9EF}', '璘'),
    ('\u{F9F0}', '藺'),
    ('\u{F9F1}', '隣'),
    ('\u{F9F2}', '鱗'),
    ('\u{F9F3}', '麟'),
    ('\u{F9F4}', '林'),
    ('\u{F9F5}', '淋'),
    ('\u{F9F6}', '臨'),
    ('\u{F9F7}', '立'),
    ('\u{F9F8}', '笠'),
    ('\u{F9F9}', '粒'),
    ('\u{F9FA}', '狀'),
    ('\u{F9FB}', '炙'),
    ('\u{F9FC}', '識'),
    ('\u{F9FD}', '什'),
    ('\u{F9FE}', '茶'),
    ('\u{F9FF}', '刺'),
    ('\u{FA00}', '切'),
    ('\u{FA01}', '度'),
    ('\u{FA02}', '拓'),
    ('\u{FA03}', '糖'),
    ('\u{FA04}', '宅'),
    ('\u{FA05}', '洞'),
    ('\u{FA06}', '暴'),
    ('\u{FA07}', '輻'),
    ('\u{FA08}', '行'),
    ('\u{FA09}', '降'),
    ('\u{FA0A}', '見'),
    ('\u{FA0B}', '廓'),
    ('\u{FA0C}', '兀'),
    ('\u{FA0D}', '嗀'),
    ('\u{FA10}', '塚'),
    ('\u{FA11}', '崎'),
    ('\u{FA12}', '晴'),
    ('\u{FA15}', '凞'),
    ('\u{FA16}', '猪'),
    ('\u{FA17}', '益'),
    ('\u{FA18}', '礼'),
    ('\u{FA19}', '神'),
    ('\u{FA1A}', '祥'),
    ('\u{FA1B}', '福'),
    ('\u{FA1C}', '靖'),
    ('\u{FA1D}', '精'),
    ('\u{FA1E}', '羽'),
    ('\u{FA20}', '蘒'),
    ('\u{FA22}', '諸'),
    ('\u{FA25}', '逸'),
    ('\u{FA26}', '都'),
    ('\u{FA2A}', '飯'),
    ('\u{FA2B}', '飼'),
    ('\u{FA2C}', '館'),
    ('\u{FA2D}', '鶴'),
    ('\u{FA2E}', '郞'),
    ('\u{FA2F}', '隷'),
    ('\u{FA30}', '侮'),
    ('\u{FA31}', '僧'),
    ('\u{FA32}', '免'),
    ('\u{FA33}', '勉'),
    ('\u{FA34}', '勤'),
    ('\u{FA35}', '卑'),
    ('\u{FA36}', '喝'),
    ('\u{FA37}', '嘆'),
    ('\u{FA38}', '器'),
    ('\u{FA39}', '塀'),
    ('\u{FA3A}', '墨'),
    ('\u{FA3B}', '層'),
    ('\u{FA3C}', '屮'),
    ('\u{FA3D}', '悔'),
    ('\u{FA3E}', '慨'),
    ('\u{FA3F}', '憎'),
    ('\u{FA40}', '懲'),
    ('\u{FA41}', '敏'),
    ('\u{FA42}', '既'),
    ('\u{FA43}', '暑'),
    ('\u{FA44}', '梅'),
    ('\u{FA45}', '海'),
    ('\u{FA46}', '渚'),
    ('\u{FA47}', '漢'),
    ('\u{FA48}', '煮'),
    ('\u{FA49}', '爫'),
    ('\u{FA4A}', '琢'),
    ('\u{FA4B}', '碑'),
    ('\u{FA4C}', '社'),
    ('\u{FA4D}', '祉'),
    ('\u{FA4E}', '祈'),
    ('\u{FA4F}', '祐'),
    ('\u{FA50}', '祖'),
    ('\u{FA51}', '祝'),
    ('\u{FA52}', '禍'),
    ('\u{FA53}', '禎'),
    ('\u{FA54}', '穀'),
    ('\u{FA55}', '突'),
    ('\u{FA56}', '節'),
    ('\u{FA57}', '練'),
    ('\u{FA58}', '縉'),
    ('\u{FA59}', '繁'),
    ('\u{FA5A}', '署'),
    ('\u{FA5B}', '者'),
    ('\u{FA5C}', '臭'),
    ('\u{FA5D}', '艹'),
    ('\u{FA5E}', '艹'),
    ('\u{FA5F}', '著'),
    ('\u{FA60}', '褐'),
    ('\u{FA61}', '視'),
    ('\u{FA62}', '謁'),
    ('\u{FA63}', '謹'),
    ('\u{FA64}', '賓'),
    ('\u{FA65}', '贈'),
    ('\u{FA66}', '辶'),
    ('\u{FA67}', '逸'),
    ('\u{FA68}', '難'),
    ('\u{FA69}', '響'),
    ('\u{FA6A}', '頻'),
    ('\u{FA6B}', '恵'),
    ('\u{FA6C}', '𤋮'),
    ('\u{FA6D}', '館'),
    ('\u{FA70}', '並'),
    ('\u{FA71}', '况'),
    ('\u{FA72}', '全'),
    ('\u{FA73}', '侀'),
    ('\u{FA74}', '充'),
    ('\u{FA75}', '冀'),
    ('\u{FA76}', '勇'),
    ('\u{FA77}', '勺'),
    ('\u{FA78}', '喝'),
    ('\u{FA79}', '啕'),
    ('\u{FA7A}', '喙'),
    ('\u{FA7B}', '嗢'),
    ('\u{FA7C}', '塚'),
    ('\u{FA7D}', '墳'),
    ('\u{FA7E}', '奄'),
    ('\u{FA7F}', '奔'),
    ('\u{FA80}', '婢'),
    ('\u{FA81}', '嬨'),
    ('\u{FA82}', '廒'),
    ('\u{FA83}', '廙'),
    ('\u{FA84}', '彩'),
    ('\u{FA85}', '徭'),
    ('\u{FA86}', '惘'),
    ('\u{FA87}', '慎'),
    ('\u{FA88}', '愈'),
    ('\u{FA89}', '憎'),
    ('\u{FA8A}', '慠'),
    ('\u{FA8B}', '懲'),
    ('\u{FA8C}', '戴'),
    ('\u{FA8D}', '揄'),
    ('\u{FA8E}', '搜'),
    ('\u{FA8F}', '摒'),
    ('\u{FA90}', '敖'),
    ('\u{FA91}', '晴'),
    ('\u{FA92}', '朗'),
    ('\u{FA93}', '望'),
    ('\u{FA94}', '杖'),
    ('\u{FA95}', '歹'),
    ('\u{FA96}', '殺'),
    ('\u{FA97}', '流'),
    ('\u{FA98}', '滛'),
    ('\u{FA99}', '滋'),
    ('\u{FA9A}', '漢'),
    ('\u{FA9B}', '瀞'),
    ('\u{FA9C}', '煮'),
    ('\u{FA9D}', '瞧'),
    ('\u{FA9E}', '爵'),
    ('\u{FA9F}', '犯'),
    ('\u{FAA0}', '猪'),
    ('\u{FAA1}', '瑱'),
    ('\u{FAA2}', '甆'),
    ('\u{FAA3}', '画'),
    ('\u{FAA4}', '瘝'),
    ('\u{FAA5}', '瘟'),
    ('\u{FAA6}', '益'),
    ('\u{FAA7}', '盛'),
    ('\u{FAA8}', '直'),
    ('\u{FAA9}', '睊'),
    ('\u{FAAA}', '着'),
    ('\u{FAAB}', '磌'),
    ('\u{FAAC}', '窱'),
    ('\u{FAAD}', '節'),
    ('\u{FAAE}', '类'),
    ('\u{FAAF}', '絛'),
    ('\u{FAB0}', '練'),
    ('\u{FAB1}', '缾'),
    ('\u{FAB2}', '者'),
    ('\u{FAB3}', '荒'),
    ('\u{FAB4}', '華'),
    ('\u{FAB5}', '蝹'),
    ('\u{FAB6}', '襁'),
    ('\u{FAB7}', '覆'),
    ('\u{FAB8}', '視'),
    ('\u{FAB9}', '調'),
    ('\u{FABA}', '諸'),
    ('\u{FABB}', '請'),
    ('\u{FABC}', '謁'),
    ('\u{FABD}', '諾'),
    ('\u{FABE}', '諭'),
    ('\u{FABF}', '謹'),
    ('\u{FAC0}', '變'),
    ('\u{FAC1}', '贈'),
    ('\u{FAC2}', '輸'),
    ('\u{FAC3}', '遲'),
    ('\u{FAC4}', '醙'),
    ('\u{FAC5}', '鉶'),
    ('\u{FAC6}', '陼'),
    ('\u{FAC7}', '難'),
    ('\u{FAC8}', '靖'),
    ('\u{FAC9}', '韛'),
    ('\u{FACA}', '響'),
    ('\u{FACB}', '頋'),
    ('\u{FACC}', '頻'),
    ('\u{FACD}', '鬒'),
    ('\u{FACE}', '龜'),
    ('\u{FACF}', '𢡊'),
    ('\u{FAD0}', '𢡄'),
    ('\u{FAD1}', '𣏕'),
    ('\u{FAD2}', '㮝'),
    ('\u{FAD3}', '䀘'),
    ('\u{FAD4}', '䀹'),
    ('\u{FAD5}', '𥉉'),
    ('\u{FAD6}', '𥳐'),
    ('\u{FAD7}', '𧻓'),
    ('\u{FAD8}', '齃'),
    ('\u{FAD9}', '龎'),
    ('𠮷', '吉'),
];

/// Replaces variant and old-form kanji (異体字・旧字体) with their standard forms.
pub fn fold_variants(s: &str) -> String {
    s.chars()
        .map(
            |c| match VARIANTS.binary_search_by_key(&c, |&(from, _)| from) {
                Ok(i) => VARIANTS.get(i).map_or(c, |&(_, to)| to),
                Err(_) => c,
            },
        )
        .collect()
}

/// Folds kana for comparison: hiragana to katakana, small kana to large, ヂ→ジ, ヅ→ズ,
/// ヲ→オ, ヴ→ブ, and removes ー, ・ and whitespace.
pub fn fold_kana(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        // Hiragana (including ゔゕゖ and the iteration marks ゝゞ) to katakana.
        let c = match u {
            0x3041..=0x3096 | 0x309D | 0x309E => char::from_u32(u + 0x60).unwrap_or(c),
            _ => c,
        };
        let c = match c {
            'ァ' => 'ア',
            'ィ' => 'イ',
            'ゥ' => 'ウ',
            'ェ' => 'エ',
            'ォ' => 'オ',
            'ッ' => 'ツ',
            'ャ' => 'ヤ',
            'ュ' => 'ユ',
            'ョ' => 'ヨ',
            'ヮ' => 'ワ',
            'ヵ' => 'カ',
            'ヶ' => 'ケ',
            'ヂ' => 'ジ',
            'ヅ' => 'ズ',
            'ヲ' => 'オ',
            'ヴ' => 'ブ',
            other => other,
        };
        if c == 'ー' || c == '・' || c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
    out
}

/// Comparison key for a person's name: width and variant folding, no whitespace,
/// ASCII lowercased.
pub fn name_key(name: &str) -> String {
    fold_variants(&fold_width(name))
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Comparison key for a kana reading: width folding then kana folding.
pub fn kana_key(kana: &str) -> String {
    fold_kana(&fold_width(kana))
}

/// Comparison key for a phone number: digits only.
pub fn phone_key(phone: &str) -> String {
    fold_width(phone)
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect()
}

/// Value of a single kanji numeral digit.
fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Multiplier of a kanji numeral unit.
fn kanji_unit(c: char) -> Option<u64> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// Whether `c` is part of a kanji numeral.
fn is_kanji_numeral(c: char) -> bool {
    kanji_digit(c).is_some() || kanji_unit(c).is_some()
}

/// Arabic digits for a run of kanji numerals, or `None` if it cannot be read.
fn kanji_number(run: &[char]) -> Option<String> {
    if run.iter().all(|&c| kanji_digit(c).is_some()) {
        // Positional form such as 一〇五.
        let digits: String = run
            .iter()
            .filter_map(|&c| kanji_digit(c).and_then(|d| char::from_digit(d, 10)))
            .collect();
        let trimmed = digits.trim_start_matches('0');
        return Some(if trimmed.is_empty() {
            "0".to_string()
        } else {
            trimmed.to_string()
        });
    }
    let mut total: u64 = 0;
    let mut current: Option<u64> = None;
    for &c in run {
        if let Some(d) = kanji_digit(c) {
            current = Some(
                current
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
        } else if let Some(unit) = kanji_unit(c) {
            total = total.checked_add(current.unwrap_or(1).checked_mul(unit)?)?;
            current = None;
        }
    }
    total = total.checked_add(current.unwrap_or(0))?;
    Some(total.to_string())
}

/// Dash-like characters that always mean '-' in an address.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹣' | '－'
    )
}

/// Whether `chars[i..]` starts with an address number marker (丁目, 番地, 番, 号, '-',
/// or の/ノ/ー followed by a number).
fn marker_at(chars: &[char], i: usize) -> bool {
    match chars.get(i) {
        Some('丁') => chars.get(i + 1) == Some(&'目'),
        Some('番' | '号' | '-') => true,
        Some('の' | 'ノ' | 'ー') => chars
            .get(i + 1)
            .is_some_and(|&n| n.is_ascii_digit() || is_kanji_numeral(n)),
        _ => false,
    }
}

/// Whether the text so far ends with a number followed by address markers
/// (e.g. "15番地の"), so that a following kanji numeral is a house number.
fn after_number_marker(out: &[char]) -> bool {
    let mut i = out.len();
    let mut stripped = false;
    while i > 0 {
        match out.get(i - 1) {
            Some('丁' | '目' | '番' | '地' | '号' | 'の' | 'ノ' | '-' | 'ー') => {
                stripped = true;
                i -= 1;
            }
            _ => break,
        }
    }
    stripped && i > 0 && out.get(i - 1).is_some_and(char::is_ascii_digit)
}

/// Appends '-' unless the text already ends with one.
fn push_dash(out: &mut Vec<char>) {
    if out.last() != Some(&'-') {
        out.push('-');
    }
}

/// Comparison key for an address: width and variant folding, no whitespace, kanji
/// house numbers as arabic digits and 丁目/番地/番/号/の written as '-'.
pub fn address_key(address: &str) -> String {
    let chars: Vec<char> = fold_variants(&fold_width(address))
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if is_dash(c) { '-' } else { c })
        .collect();

    // Kanji numerals used as house numbers become arabic digits.
    let mut numbered: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !is_kanji_numeral(c) {
            numbered.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while chars.get(i).is_some_and(|&n| is_kanji_numeral(n)) {
            i += 1;
        }
        let run = chars.get(start..i).unwrap_or(&[]);
        let convert = marker_at(&chars, i) || after_number_marker(&numbered);
        match kanji_number(run).filter(|_| convert) {
            Some(digits) => numbered.extend(digits.chars()),
            None => numbered.extend_from_slice(run),
        }
    }

    // Markers after a number become '-'.
    let mut out: Vec<char> = Vec::with_capacity(numbered.len());
    let mut i = 0;
    while let Some(&c) = numbered.get(i) {
        let prev_number = match out.last() {
            Some(p) if p.is_ascii_digit() => true,
            Some('-') => out.len() >= 2 && out.get(out.len() - 2).is_some_and(char::is_ascii_digit),
            _ => false,
        };
        let next = numbered.get(i + 1).copied();
        if prev_number {
            if (c == '丁' && next == Some('目')) || (c == '番' && next == Some('地')) {
                push_dash(&mut out);
                i += 2;
                continue;
            }
            if c == '番' || c == '号' {
                push_dash(&mut out);
                i += 1;
                continue;
            }
            if matches!(c, 'の' | 'ノ' | 'ー') && next.is_some_and(|n| n.is_ascii_digit()) {
                push_dash(&mut out);
                i += 1;
                continue;
            }
        }
        if c == '-' {
            push_dash(&mut out);
        } else {
            out.push(c);
        }
        i += 1;
    }
    let mut key: String = out.into_iter().collect();
    // Collapse any '-' runs left by the replacements above, and drop a trailing one.
    while key.contains("--") {
        key = key.replace("--", "-");
    }
    while key.ends_with('-') {
        key.pop();
    }
    key
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn half_kana_table_covers_range() {
        assert_eq!(HALF_KANA.chars().count(), 0xFF9F - 0xFF61 + 1);
    }

    #[test]
    fn variant_table_sorted_and_not_chained() {
        assert!(VARIANTS.windows(2).all(|w| w[0].0 < w[1].0));
        for &(_, to) in VARIANTS {
            assert!(
                VARIANTS.binary_search_by_key(&to, |&(f, _)| f).is_err(),
                "{to}"
            );
        }
    }

    #[test]
    fn width_folding() {
        assert_eq!(fold_width("ｶﾞｯｺｳ"), "ガッコウ");
        assert_eq!(fold_width("ﾊﾟﾝ"), "パン");
        assert_eq!(fold_width("ｳﾞｧｲｵﾘﾝ"), "ヴァイオリン");
        assert_eq!(fold_width("ﾎﾟﾎﾞﾎ"), "ポボホ");
        assert_eq!(fold_width("ﾞｱﾟ"), "゛ア゜");
        assert_eq!(fold_width("ｶﾞﾞ"), "ガ゛");
        assert_eq!(fold_width("ｺｰﾋｰ"), "コーヒー");
        assert_eq!(fold_width("｡｢｣､･"), "。「」、・");
        assert_eq!(fold_width("ＡＢＣ１２３！～"), "ABC123!~");
        assert_eq!(fold_width("山田\u{3000}太郎"), "山田 太郎");
        assert_eq!(fold_width("漢字ひらがなカタカナ"), "漢字ひらがなカタカナ");
        assert_eq!(fold_width("ﾜﾞｦﾞ"), "ヷヺ");
    }

    #[test]
    fn variant_folding() {
        let cases = [
            ("髙", "高"),
            ("﨑", "崎"),
            ("嵜", "崎"),
            ("碕", "崎"),
            ("邊", "辺"),
            ("邉", "辺"),
            ("齋", "斎"),
            ("齊", "斉"),
            ("濵", "浜"),
            ("濱", "浜"),
            ("澤", "沢"),
            ("嶋", "島"),
            ("嶌", "島"),
            ("櫻", "桜"),
            ("廣", "広"),
            ("國", "国"),
            ("德", "徳"),
            ("惠", "恵"),
            ("眞", "真"),
            ("淺", "浅"),
            ("瀨", "瀬"),
            ("冨", "富"),
            ("實", "実"),
            ("壽", "寿"),
            ("與", "与"),
            ("榮", "栄"),
            ("藏", "蔵"),
            ("龍", "竜"),
            ("對", "対"),
            ("佛", "仏"),
            ("兒", "児"),
            ("圓", "円"),
            ("增", "増"),
            ("彌", "弥"),
            ("曾", "曽"),
            ("槇", "槙"),
            ("舘", "館"),
            ("桒", "桑"),
            ("𠮷", "吉"),
            // Compatibility ideographs (canonical decompositions).
            ("\u{FA10}", "塚"),
            ("\u{FA19}", "神"),
            ("\u{F9C4}", "竜"),
        ];
        for (from, to) in cases {
            assert_eq!(fold_variants(from), to, "{from}");
        }
        assert_eq!(fold_variants("渡邊髙嶋"), "渡辺高島");
        assert_eq!(fold_variants("山田太郎"), "山田太郎");
        // 斉 and 斎 stay distinct.
        assert_ne!(fold_variants("齊藤"), fold_variants("齋藤"));
    }

    #[test]
    fn kana_folding() {
        assert_eq!(fold_kana("がっこう"), "ガツコウ");
        assert_eq!(
            fold_kana("ァィゥェォッャュョヮヵヶ"),
            "アイウエオツヤユヨワカケ"
        );
        assert_eq!(fold_kana("ヂヅヲヴ"), "ジズオブ");
        assert_eq!(fold_kana("コーヒー・ショップ 店"), "コヒシヨツプ店");
        assert_eq!(fold_kana("ゔ"), "ブ");
    }

    #[test]
    fn name_keys() {
        assert_eq!(name_key("髙橋"), name_key("高橋"));
        assert_ne!(name_key("山田"), name_key("山口"));
        assert_eq!(name_key("山田　太郎"), name_key("山田太郎"));
        assert_eq!(name_key(" 山﨑 花子 "), name_key("山崎花子"));
        assert_eq!(name_key("ＳＭＩＴＨ John"), "smithjohn");
        assert_eq!(name_key("ﾔﾏﾀﾞ"), "ヤマダ");
    }

    #[test]
    fn kana_keys() {
        assert_eq!(kana_key("ﾔﾏﾀﾞ ﾀﾛｳ"), kana_key("やまだ　たろう"));
        assert_eq!(kana_key("ｶﾞｯｺｳ"), kana_key("がつこう"));
        assert_eq!(kana_key("スズキ"), kana_key("スヅキ"));
        assert_ne!(kana_key("ヤマダ"), kana_key("ヤマタ"));
    }

    #[test]
    fn address_keys() {
        let a = address_key("久留米市城南町１５番地３");
        assert_eq!(a, "久留米市城南町15-3");
        assert_eq!(address_key("久留米市城南町15-3"), a);
        assert_eq!(address_key("久留米市城南町十五番地の三"), a);
        assert_eq!(address_key("久留米市 城南町１５－３"), a);
        assert_eq!(address_key("久留米市城南町15ー3"), a);
        assert_eq!(address_key("久留米市城南町15―3"), a);
        assert_eq!(address_key("久留米市城南町15番3号"), a);
        assert_eq!(address_key("久留米市城南町15の3"), a);
        assert_eq!(address_key("東町二丁目3番4号"), address_key("東町2-3-4"));
        assert_eq!(address_key("東町二丁目三番四号"), "東町2-3-4");
        assert_eq!(address_key("本町二十三番地"), "本町23");
        assert_eq!(address_key("本町十番地"), "本町10");
        assert_eq!(address_key("本町百五番地"), "本町105");
        assert_eq!(address_key("本町千二百三十四番地"), "本町1234");
        assert_eq!(address_key("本町一〇五番地"), "本町105");
        assert_ne!(address_key("東町2-3-4"), address_key("東町2-3-5"));
        // Place names with numerals stay as they are.
        assert_eq!(address_key("千代田区"), "千代田区");
        assert_eq!(address_key("十日町市"), "十日町市");
        assert_eq!(address_key("一ノ瀬"), "一ノ瀬");
        assert_eq!(address_key("ー"), "ー");
        assert_eq!(address_key("1--2---"), "1-2");
    }

    #[test]
    fn phone_keys() {
        assert_eq!(phone_key("０９２－１２３－４５６７"), "0921234567");
        assert_eq!(phone_key("(092) 123-4567"), "0921234567");
        assert_eq!(phone_key(""), "");
    }
}
