//! Tables for the demo town's synthetic people: common Japanese surnames and given names by
//! generation, each with its katakana reading; the 町 suffixes of addresses; and the short phrases
//! (relations, diseases, medicines, notes) that fill a register form.
//!
//! Plain data, no logic. Names are common ones on purpose: any combination could belong to many
//! real people and so points at none of them.

/// Surnames with their readings. The first [`KURUME_COMMON`] are frequent in the Chikugo area
/// (Kurume and its neighbours) and are drawn more often.
pub const SURNAMES: &[(&str, &str)] = &[
    ("古賀", "コガ"),
    ("江口", "エグチ"),
    ("堤", "ツツミ"),
    ("石橋", "イシバシ"),
    ("中島", "ナカシマ"),
    ("原田", "ハラダ"),
    ("野田", "ノダ"),
    ("松尾", "マツオ"),
    ("田中", "タナカ"),
    ("井上", "イノウエ"),
    ("権藤", "ゴンドウ"),
    ("牛島", "ウシジマ"),
    ("草野", "クサノ"),
    ("稲富", "イナドミ"),
    ("緒方", "オガタ"),
    ("城戸", "キド"),
    ("樋口", "ヒグチ"),
    ("大坪", "オオツボ"),
    ("吉武", "ヨシタケ"),
    ("鍋島", "ナベシマ"),
    ("坂井", "サカイ"),
    ("永田", "ナガタ"),
    ("平田", "ヒラタ"),
    ("宮原", "ミヤハラ"),
    ("江藤", "エトウ"),
    ("荒木", "アラキ"),
    ("下川", "シモカワ"),
    ("馬場", "ババ"),
    ("矢野", "ヤノ"),
    ("溝口", "ミゾグチ"),
    ("田代", "タシロ"),
    ("本村", "モトムラ"),
    ("中尾", "ナカオ"),
    ("秋山", "アキヤマ"),
    ("鶴田", "ツルタ"),
    ("山口", "ヤマグチ"),
    ("吉田", "ヨシダ"),
    ("森", "モリ"),
    ("松本", "マツモト"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("渡辺", "ワタナベ"),
    ("伊藤", "イトウ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山下", "ヤマシタ"),
    ("藤井", "フジイ"),
    ("村上", "ムラカミ"),
    ("石井", "イシイ"),
    ("前田", "マエダ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("坂本", "サカモト"),
    ("内田", "ウチダ"),
    ("木下", "キノシタ"),
    ("宮崎", "ミヤザキ"),
    ("久保", "クボ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("森田", "モリタ"),
    ("野口", "ノグチ"),
    ("大塚", "オオツカ"),
    ("西村", "ニシムラ"),
    ("松田", "マツダ"),
    ("古川", "フルカワ"),
    ("上野", "ウエノ"),
];

/// How many of the first [`SURNAMES`] are the Chikugo-common ones.
pub const KURUME_COMMON: usize = 24;

/// Given names of women born about 1925–1960.
pub const ELDERLY_FEMALE: &[(&str, &str)] = &[
    ("和子", "カズコ"),
    ("幸子", "サチコ"),
    ("節子", "セツコ"),
    ("京子", "キョウコ"),
    ("洋子", "ヨウコ"),
    ("恵子", "ケイコ"),
    ("久子", "ヒサコ"),
    ("美智子", "ミチコ"),
    ("信子", "ノブコ"),
    ("文子", "フミコ"),
    ("悦子", "エツコ"),
    ("弘子", "ヒロコ"),
    ("千代子", "チヨコ"),
    ("正子", "マサコ"),
    ("静子", "シズコ"),
    ("多恵子", "タエコ"),
    ("光子", "ミツコ"),
    ("春子", "ハルコ"),
    ("清子", "キヨコ"),
    ("昭子", "アキコ"),
    ("敏子", "トシコ"),
    ("照子", "テルコ"),
    ("富子", "トミコ"),
    ("澄子", "スミコ"),
    ("八重子", "ヤエコ"),
    ("初子", "ハツコ"),
    ("君子", "キミコ"),
    ("良子", "ヨシコ"),
    ("美代子", "ミヨコ"),
    ("勝子", "カツコ"),
    ("睦子", "ムツコ"),
    ("光江", "ミツエ"),
    ("房江", "フサエ"),
    ("春江", "ハルエ"),
    ("和代", "カズヨ"),
    ("千鶴子", "チヅコ"),
    ("君江", "キミエ"),
    ("栄子", "エイコ"),
    ("芳江", "ヨシエ"),
    ("美佐子", "ミサコ"),
    ("紀子", "ノリコ"),
    ("ハル", "ハル"),
    ("キヨ", "キヨ"),
    ("ミツ", "ミツ"),
];

/// Given names of men born about 1925–1960.
pub const ELDERLY_MALE: &[(&str, &str)] = &[
    ("清", "キヨシ"),
    ("茂", "シゲル"),
    ("博", "ヒロシ"),
    ("実", "ミノル"),
    ("勇", "イサム"),
    ("進", "ススム"),
    ("勝", "マサル"),
    ("隆", "タカシ"),
    ("武", "タケシ"),
    ("明", "アキラ"),
    ("和夫", "カズオ"),
    ("正雄", "マサオ"),
    ("幸男", "ユキオ"),
    ("一郎", "イチロウ"),
    ("義雄", "ヨシオ"),
    ("秀夫", "ヒデオ"),
    ("三郎", "サブロウ"),
    ("健一", "ケンイチ"),
    ("信夫", "ノブオ"),
    ("久雄", "ヒサオ"),
    ("辰男", "タツオ"),
    ("忠", "タダシ"),
    ("豊", "ユタカ"),
    ("修", "オサム"),
    ("孝", "タカシ"),
    ("敏夫", "トシオ"),
    ("昭二", "ショウジ"),
    ("光男", "ミツオ"),
    ("照雄", "テルオ"),
    ("功", "イサオ"),
    ("次郎", "ジロウ"),
    ("保", "タモツ"),
    ("重雄", "シゲオ"),
    ("正義", "マサヨシ"),
    ("国男", "クニオ"),
    ("賢治", "ケンジ"),
    ("末吉", "スエキチ"),
    ("正夫", "マサオ"),
    ("英夫", "ヒデオ"),
    ("博之", "ヒロユキ"),
    ("徹", "トオル"),
];

/// Given names of women born about 1960–2005.
pub const YOUNGER_FEMALE: &[(&str, &str)] = &[
    ("美穂", "ミホ"),
    ("直美", "ナオミ"),
    ("由美", "ユミ"),
    ("真由美", "マユミ"),
    ("智子", "トモコ"),
    ("裕子", "ユウコ"),
    ("陽子", "ヨウコ"),
    ("明美", "アケミ"),
    ("恵", "メグミ"),
    ("香織", "カオリ"),
    ("綾", "アヤ"),
    ("愛", "アイ"),
    ("麻衣", "マイ"),
    ("美咲", "ミサキ"),
    ("沙織", "サオリ"),
    ("千尋", "チヒロ"),
    ("奈々", "ナナ"),
    ("瞳", "ヒトミ"),
    ("真理子", "マリコ"),
    ("理恵", "リエ"),
    ("佳奈", "カナ"),
    ("友美", "トモミ"),
    ("亜希子", "アキコ"),
    ("静香", "シズカ"),
    ("彩花", "アヤカ"),
    ("遥", "ハルカ"),
    ("結衣", "ユイ"),
    ("葵", "アオイ"),
    ("菜摘", "ナツミ"),
    ("美香", "ミカ"),
    ("純子", "ジュンコ"),
    ("久美子", "クミコ"),
    ("由美子", "ユミコ"),
    ("早紀", "サキ"),
];

/// Given names of men born about 1960–2005.
pub const YOUNGER_MALE: &[(&str, &str)] = &[
    ("大輔", "ダイスケ"),
    ("健太", "ケンタ"),
    ("拓也", "タクヤ"),
    ("翔太", "ショウタ"),
    ("誠", "マコト"),
    ("浩二", "コウジ"),
    ("剛", "ツヨシ"),
    ("聡", "サトシ"),
    ("直樹", "ナオキ"),
    ("和也", "カズヤ"),
    ("達也", "タツヤ"),
    ("雄一", "ユウイチ"),
    ("亮", "リョウ"),
    ("大樹", "ダイキ"),
    ("翼", "ツバサ"),
    ("陽介", "ヨウスケ"),
    ("隆之", "タカユキ"),
    ("慎一", "シンイチ"),
    ("康弘", "ヤスヒロ"),
    ("智之", "トモユキ"),
    ("裕太", "ユウタ"),
    ("俊介", "シュンスケ"),
    ("光", "ヒカル"),
    ("悠斗", "ユウト"),
    ("勇気", "ユウキ"),
    ("一輝", "カズキ"),
    ("秀樹", "ヒデキ"),
    ("克也", "カツヤ"),
    ("哲也", "テツヤ"),
    ("浩一", "コウイチ"),
];

/// Given names of women who married into the town from abroad, with the language they speak
/// best (for the rare `foreign_language` communication need).
pub const MARRIED_IN: &[(&str, &str, &str)] = &[
    ("マリア", "マリア", "タガログ語"),
    ("ロサ", "ロサ", "タガログ語"),
    ("リン", "リン", "中国語"),
];

/// Endings that turn a district's stem into a 町 name (「桜台」 → 「桜台東町」). Repeats weight
/// the plain 「町」.
pub const TOWN_SUFFIXES: &[&str] = &[
    "町", "町", "町", "本町", "東町", "西町", "南町", "北町", "新町", "中町",
];

/// Emergency contacts of an elderly registrant: relation, is a woman, shares the registrant's
/// surname (a married daughter often does not), age difference in years, weight.
pub const ELDER_CONTACTS: &[(&str, bool, bool, i64, f64)] = &[
    ("長男", false, true, -28, 30.0),
    ("長女", true, false, -28, 28.0),
    ("次男", false, true, -30, 12.0),
    ("次女", true, false, -30, 12.0),
    ("三男", false, true, -32, 3.0),
    ("長男の妻", true, true, -30, 7.0),
    ("甥", false, false, -25, 4.0),
    ("姪", true, false, -25, 4.0),
];

/// Emergency contacts of a registrant under 45 (parents), same columns.
pub const YOUNG_CONTACTS: &[(&str, bool, bool, i64, f64)] = &[
    ("母", true, true, 28, 55.0),
    ("父", false, true, 30, 35.0),
    ("姉", true, false, 3, 10.0),
];

/// Emergency contacts of a registrant aged 45–64 (spouse, siblings), same columns.
pub const MIDDLE_CONTACTS: &[(&str, bool, bool, i64, f64)] = &[
    ("妻", true, true, -2, 30.0),
    ("夫", false, true, 2, 20.0),
    ("兄", false, true, 3, 20.0),
    ("姉", true, false, 3, 15.0),
    ("弟", false, true, -3, 15.0),
];

/// Designated intractable diseases (指定難病) seen among older registrants.
pub const ELDERLY_DISEASES: &[&str] = &[
    "パーキンソン病",
    "脊髄小脳変性症",
    "多系統萎縮症",
    "後縦靱帯骨化症",
    "特発性間質性肺炎",
];

/// Designated intractable diseases seen among younger registrants; the first needs a ventilator
/// in its late stage.
pub const YOUNGER_DISEASES: &[&str] = &[
    "筋萎縮性側索硬化症",
    "多発性硬化症",
    "全身性エリテマトーデス",
    "重症筋無力症",
    "脊髄性筋萎縮症",
];

/// Everyday medicines as a family writes them on the form.
pub const MEDICINES: &[&str] = &[
    "降圧剤",
    "糖尿病治療薬",
    "抗凝固薬（ワーファリン）",
    "睡眠導入剤",
    "利尿剤",
    "心臓の薬",
    "骨粗しょう症の薬",
];

/// Allergies worth telling shelter staff.
pub const ALLERGIES: &[&str] = &["ペニシリン系抗菌薬", "そば", "卵", "造影剤", "えび・かに"];

/// Notes for supporters with nothing medical to say.
pub const HOME_NOTES: &[&str] = &[
    "小型犬を1匹飼っている",
    "玄関に段差あり",
    "近くに住む家族が週末に様子を見に来る",
    "雨の日は外出を控えている",
    "猫を2匹飼っている",
];

/// Notes for the rare `other` support reason.
pub const OTHER_REASONS: &[&str] = &[
    "認知症の症状があり、日中は家族が不在",
    "家族が夜勤のため夜間はひとりになる",
    "視力が低く夜間の移動が難しい",
];

/// Endings of a clinic named after its doctor (「古賀内科医院」).
pub const CLINIC_KINDS: &[&str] = &[
    "内科医院",
    "内科クリニック",
    "医院",
    "クリニック",
    "整形外科医院",
];

/// Beginnings of an apartment building's name (「ハイツ桜台」).
pub const BUILDINGS: &[&str] = &["ハイツ", "コーポ", "メゾン", "サンシャイン"];
