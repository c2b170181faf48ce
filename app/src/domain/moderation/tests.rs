//! Tests of the §12 flagger.

use super::*;

fn obscene(text: &str) -> Vec<String> {
    check(text).obscene
}

fn threat(text: &str) -> Vec<String> {
    check(text).threat
}

#[test]
fn clean_municipal_texts_are_not_flagged() {
    let texts = [
        "Когда починят дорогу на улице Ленина?",
        "Прошу оскорблять никого не надо, просто ответьте по существу.",
        "Жители продолжают употреблять воду из колонки, а она ржавая.",
        "Проезд подорожал на пять рублей, теперь он стоит 60 рубля за поездку? Почему?",
        "В ателье на Садовой продают сукно и шерсть, а вывеска упала.",
        "Страхуй себя сам, сказали нам в управляющей компании.",
        "Застрахуем ли мы детскую площадку от повреждений?",
        "Цены продолжают колебаться, а тариф на отопление растёт.",
        "Над небесами над нашим районом летают дроны, это небезопасно.",
        "По закону вы обязаны ответить в течение 30 дней.",
        "В школе №5 нет психолога уже полгода.",
        "Муниципальный транспорт ходит редко, особенно маршрут 12.",
        "Дайте хлебу дойти до магазина: машину с хлебом не пропускают.",
        "Подростки гребут на лодках у плотины без жилетов.",
        "Ребенок упал на площадке, нужен ремонт покрытия.",
        "Перила на мосту колеблются, учебу в школе отменили из-за аварии.",
        "Когда кончится ремонт теплотрассы на ул. Мира, д. 7?",
        "Сучки и ветки после обрезки деревьев лежат на тротуаре.",
        "Учёба в колледже начинается 1 сентября, а автобуса нет.",
        "Рубль, рубля, рублю: оплата через терминал не проходит.",
        "Потребляемая мощность превышает норму, прошу проверить счётчик.",
        "Email: ivanov@mail.ru, телефон +7 (900) 123-45-67.",
        "Вывоз мусора по графику: пн, ср, пт. Спасибо за ответ!",
        "Установите, пожалуйста, светофор у остановки «Хуторская».",
        "Опубликуйте, пожалуйста, постановление № 123-п от 01.02.2025.",
        "Трубу перебили при раскопках, телебашня не работает.",
        "Во дворе дома 5 нужна гидроочистка ливнёвки, не психуйте.",
        "У инспектора не было бляхи, а у отца нашли бляшки в сосудах.",
        "Концерт кордебалета перенесли, дебаты о бюджете тоже.",
        "Винегрет в школьной столовой, делегация из Нигерии, педикюрный салон.",
        "Please repair the bus stop near Lenina street, thank you.",
        "HYUNDAI SOLARIS, госномер А123ВС, стоит на газоне у дома.",
        "Заявка в и к: и в у нас тоже, а я в отпуске.",
    ];
    for text in texts {
        let flags = check(text);
        assert_eq!(flags, Flags::default(), "false positive in {text:?}");
        assert!(!flags.is_flagged());
    }
}

#[test]
fn plain_obscene_words_are_flagged() {
    assert_eq!(obscene("Да пошли вы на хуй"), vec!["хуй"]);
    assert_eq!(obscene("Опять эта пизда не работает"), vec!["пизда"]);
    assert_eq!(obscene("Блядь, сколько можно ждать"), vec!["Блядь"]);
    assert_eq!(obscene("Вы там все мудаки"), vec!["мудаки"]);
    assert_eq!(obscene("сука, ну сколько можно"), vec!["сука"]);
    assert_eq!(obscene("Заебали уже со своим ремонтом"), vec!["Заебали"]);
    assert_eq!(obscene("Это охуеть как долго"), vec!["охуеть"]);
}

#[test]
fn flags_report_words_as_written_once_each_in_order() {
    let flags = check("Ну бля, опять ХУЙНЯ с дорогой, бля!");
    assert_eq!(flags.obscene, vec!["бля", "ХУЙНЯ"]);
    assert!(flags.threat.is_empty());
    assert!(flags.is_flagged());
}

#[test]
fn uppercase_and_yo_are_normalised() {
    assert_eq!(obscene("ПИЗДЕЦ полный"), vec!["ПИЗДЕЦ"]);
    assert_eq!(obscene("ёбаный ремонт"), vec!["ёбаный"]);
    assert_eq!(obscene("Хуёво работаете"), vec!["Хуёво"]);
}

#[test]
fn latin_look_alikes_are_caught() {
    assert_eq!(obscene("xуй вам"), vec!["xуй"]);
    assert_eq!(obscene("вы все cyka"), vec!["cyka"]);
    assert_eq!(obscene("бляdь опять"), vec!["бляdь"]);
    assert_eq!(obscene("пиzдец"), vec!["пиzдец"]);
    assert_eq!(obscene("XУЙHЯ какая-то"), vec!["XУЙHЯ"]);
}

#[test]
fn digits_and_signs_are_caught() {
    assert_eq!(obscene("пи3дец"), vec!["пи3дец"]);
    assert_eq!(obscene("6лядь"), vec!["6лядь"]);
    assert_eq!(obscene("еб@ть"), vec!["еб@ть"]);
    assert_eq!(obscene("$ука"), vec!["$ука"]);
}

#[test]
fn separators_inside_words_are_caught() {
    assert_eq!(obscene("это х.у.й знает что"), vec!["х.у.й"]);
    assert_eq!(obscene("это х-у-й знает что"), vec!["х-у-й"]);
    assert_eq!(obscene("это х_у_й знает что"), vec!["х_у_й"]);
    assert_eq!(obscene("это х у й знает что"), vec!["х у й"]);
    assert_eq!(obscene("п и з д е ц!"), vec!["п и з д е ц"]);
}

#[test]
fn roots_after_verb_prefixes_are_caught() {
    assert_eq!(obscene("Заебал этот шум"), vec!["Заебал"]);
    assert_eq!(obscene("какая-то подъебка"), vec!["подъебка"]);
    assert_eq!(obscene("выебаны по полной"), vec!["выебаны"]);
    assert_eq!(obscene("кто-то спиздил люк"), vec!["спиздил"]);
    assert_eq!(obscene("похуй им на нас"), vec!["похуй"]);
    assert!(obscene("колебал, перебить, телебашня, хлебу, учебу").is_empty());
}

#[test]
fn masked_letters_are_caught() {
    assert_eq!(obscene("х*й вам"), vec!["х*й"]);
    assert_eq!(obscene("бл*дь"), vec!["бл*дь"]);
    assert_eq!(obscene("п#здец"), vec!["п#здец"]);
    assert_eq!(obscene("ну ты и с*ка"), vec!["с*ка"]);
}

#[test]
fn masks_alone_or_at_edges_are_not_flagged() {
    assert!(obscene("*****").is_empty());
    assert!(obscene("*Важно*: ремонт #дорог").is_empty());
    assert!(obscene("х** его знает").is_empty());
    assert!(obscene("п**** и ****а").is_empty());
}

#[test]
fn repeated_letters_are_caught() {
    assert_eq!(obscene("бляяяяять"), vec!["бляяяяять"]);
    assert_eq!(obscene("ссууукааа"), vec!["ссууукааа"]);
    assert_eq!(obscene("хууууй"), vec!["хууууй"]);
}

#[test]
fn combined_evasions_are_caught() {
    assert_eq!(obscene("Х.У.Ё.В.О"), vec!["Х.У.Ё.В.О"]);
    assert_eq!(obscene("п.и.3.д.е.ц"), vec!["п.и.3.д.е.ц"]);
}

#[test]
fn threats_are_caught_and_not_reported_as_obscene() {
    let flags = check("Я вас всех убью");
    assert_eq!(flags.threat, vec!["убью"]);
    assert!(flags.obscene.is_empty());
    assert!(flags.is_flagged());

    let flags = check("Взорву вашу администрацию!");
    assert_eq!(flags.threat, vec!["Взорву"]);
    assert!(flags.obscene.is_empty());
}

#[test]
fn threat_phrases_are_reported_as_written() {
    assert_eq!(threat("Надо бы убить вас всех"), vec!["убить вас"]);
    assert_eq!(threat("Вас всех надо убить"), vec!["Вас всех надо убить"]);
    assert_eq!(threat("Вам конец, чиновники"), vec!["Вам конец"]);
    assert_eq!(threat("Тебе не жить"), vec!["Тебе не жить"]);
    assert_eq!(threat("Я знаю, где вы живёте"), vec!["знаю, где вы живёте"]);
    assert_eq!(threat("Пристрелю, если не сделаете"), vec!["Пристрелю"]);
    assert_eq!(threat("Сожгу всё к чертям"), vec!["Сожгу"]);
    assert_eq!(threat("Подорву себя у мэрии"), vec!["Подорву"]);
    assert_eq!(threat("Найду тебя и зарежу"), vec!["Найду тебя", "зарежу"]);
    assert_eq!(threat("УБЬЮЮЮ"), vec!["УБЬЮЮЮ"]);
}

#[test]
fn reports_of_danger_are_not_threats() {
    let texts = [
        "На этом перекрёстке скоро кого-нибудь убьют, поставьте светофор.",
        "Подростки пытались поджечь мусорный бак во дворе.",
        "Вам конечно виднее, но дорогу так и не починили.",
        "Я нашёл кошелёк и найду владельца сам.",
        "Знаю, что вы заняты, но где график вывоза мусора?",
    ];
    for text in texts {
        assert_eq!(check(text), Flags::default(), "false positive in {text:?}");
    }
}

#[test]
fn obscenity_and_threat_together() {
    let flags = check("Суки, я вас всех перестреляю");
    assert_eq!(flags.obscene, vec!["Суки"]);
    assert_eq!(flags.threat, vec!["перестреляю"]);
}

#[test]
fn empty_and_long_texts() {
    assert_eq!(check(""), Flags::default());
    let long = "Когда починят дорогу на улице Ленина? ".repeat(600);
    assert!(long.len() > 20_000);
    assert!(!check(&long).is_flagged());
    let long_bad = format!("{long} и вообще бля");
    assert_eq!(check(&long_bad).obscene, vec!["бля"]);
}

#[test]
fn flags_round_trip_through_json() {
    let flags = check("xуй, убью");
    let json = serde_json::to_string(&flags).unwrap();
    let back: Flags = serde_json::from_str(&json).unwrap();
    assert_eq!(back, flags);
    assert_eq!(back.obscene, vec!["xуй"]);
    assert_eq!(back.threat, vec!["убью"]);
}

#[test]
fn embedded_data_is_parsed() {
    let lex = lexicon::Lexicon::embedded();
    let empty = lexicon::Lexicon::parse("", "", "");
    assert_ne!(lex, empty);
    assert_ne!(threat::Threats::embedded(), threat::Threats::parse(""));
}

#[test]
fn insults_are_reported_apart_from_obscenity() {
    let flags = check("Вы там все идиоты и дебилы, уроды");
    assert_eq!(flags.insult, vec!["идиоты", "дебилы", "уроды"]);
    assert!(flags.obscene.is_empty());
    assert!(flags.is_flagged());

    let both = check("Мрази, заебали уже");
    assert_eq!(both.insult, vec!["Мрази"]);
    assert_eq!(both.obscene, vec!["заебали"]);
    assert_eq!(
        both.summary(),
        "нецензурные выражения: заебали; оскорбления: Мрази"
    );

    // Masked and transliterated insults are read like obscenity.
    assert_eq!(check("ты дeбил").insult, vec!["дeбил"]);
    assert_eq!(check("ты д*бил").insult, vec!["д*бил"]);
    // Ordinary words that begin like an insult are not.
    for clean in [
        "Уродливый забор у школы, дурацкая разметка на дороге.",
        "Болота и скоты на выпасе, твердые бытовые отходы.",
    ] {
        assert_eq!(
            check(clean),
            Flags::default(),
            "false positive in {clean:?}"
        );
    }
}

#[test]
fn flags_stored_before_insults_were_kept_apart_still_read() {
    let old: Flags = serde_json::from_str(r#"{"obscene":["дебил"],"threat":[]}"#).unwrap();
    assert_eq!(old.obscene, vec!["дебил"]);
    assert!(old.insult.is_empty());
    assert!(old.is_flagged());
    assert_eq!(
        lexicon::Lexicon::insults(),
        lexicon::Lexicon::insults(),
        "parsed deterministically"
    );
    assert_ne!(
        lexicon::Lexicon::insults(),
        lexicon::Lexicon::parse("", "", "")
    );
}
