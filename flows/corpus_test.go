package flows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/locales"
	"frontdoor/store/memstore"
)

// corpus is what women type, as they type it on a phone, each with what
// it must produce:
//
//	N        numbers first (112 and 1522), then the main choices
//	C town   the centres of a covered town
//	O town   the nearest centres, one line that the town is outside the
//	         areas, and 1522 (town as "Name (PR)")
//	P        a choice among comuni of the same name
//	T        small talk: a kind word and the menu
//	U        unknown: the service is automatic, 1522, 112 and the menu
//
// "N C Crema" is numbers first and then the centres of Crema.
var corpus = []struct{ lang, text, want string }{
	// Italian: danger and help, as typed in a hurry.
	{"it", "Mio marito mi picchia, cosa posso fare?", "N"},
	{"it", "mio marito mi picchia", "N"},
	{"it", "aiuto", "N"},
	{"it", "AIUTO!!!", "N"},
	{"it", "aiutooo", "N"},
	{"it", "aiutatemi", "N"},
	{"it", "aiutatemi vi prego", "N"},
	{"it", "aituo", "N"},
	{"it", "sono in pericolo", "N"},
	{"it", "ho paura", "N"},
	{"it", "ho paura di mio marito", "N"},
	{"it", "ho tanta paura", "N"},
	{"it", "ho pura", "N"},
	{"it", "1522", "N"},
	{"it", "112", "N"},
	{"it", "sos", "N"},
	{"it", "SOS!!", "N"},
	{"it", "help", "N"},
	{"it", "mi minaccia di morte", "N"},
	{"it", "il mio ex mi minaccia", "N"},
	{"it", "mi ha minacciata col coltello", "N"},
	{"it", "mi ha picchiata ieri sera", "N"},
	{"it", "mio marito mi mena", "N"},
	{"it", "il mio compagno mi picchia da anni e non so cosa fare", "N"},
	{"it", "mi pichia tutti i giorni", "N"},
	{"it", "mi ha dato uno schiaffo davanti ai bambini", "N"},
	{"it", "mi vuole ammazzare", "N"},
	{"it", "dice che mi ammazza", "N"},
	{"it", "non mi fa uscire di casa", "N"},
	{"it", "mi tiene chiusa in casa", "N"},
	{"it", "mi segue dappertutto", "N"},
	{"it", "ho subito violenza", "N"},
	{"it", "violenza domestica", "N"},
	{"it", "subisco maltrattamenti", "N"},
	{"it", "mi ha stuprata", "N"},
	{"it", "il mio ex mi perseguita", "N"},
	{"it", "ho bisogno di aiuto urgente", "N"},
	{"it", "devo scappare di casa stanotte", "N"},
	{"it", "non sono al sicuro", "N"},
	{"it", "voglio denunciare mio marito", "N"},
	{"it", "chiamate la polizia", "N"},
	{"it", "ho paura 😢", "N"},
	{"it", "🆘 aiuto", "N"},
	{"it", "sono terrorizzata", "N"},
	{"it", "mi ricatta con i video", "N"},
	{"it", "me mena sempre", "N"},
	{"it", "mio padre mi picchia", "N"},
	{"it", "mia figlia è in pericolo", "N"},
	{"it", "aiuto mio marito mi picchia sono di crema", "N C Crema"},
	{"it", "Aiutatemi a trovare un centro a Cremona", "N C Cremona"},
	{"it", "mio marito mi picchia, abito a Bresso", "N C Bresso"},
	{"it", "ho paura, sono a Milano", "N O Milano (MI)"},
	{"it", "aiuto abito a sesto san giovanni", "N O Sesto San Giovanni (MI)"},
	{"it", "sono di Cinisello e il mio compagno mi minaccia", "N C Cinisello Balsamo"},
	{"it", "aiuto 26100", "N C Cremona"},
	{"it", "mi picchia, vivo vicino a Lodi", "N O Lodi (LO)"},
	{"it", "Crema, aiuto", "N C Crema"},
	{"it", "sono a roma e ho paura", "N O Roma (RM)"},
	// Italian: a town, a postcode, a short name.
	{"it", "Milano", "O Milano (MI)"},
	{"it", "milano", "O Milano (MI)"},
	{"it", "Sesto San Giovanni", "O Sesto San Giovanni (MI)"},
	{"it", "sesto s. giovanni", "O Sesto San Giovanni (MI)"},
	{"it", "26100", "C Cremona"},
	{"it", "20092", "C Cinisello Balsamo"},
	{"it", "20091", "C Bresso"},
	{"it", "Cinisello", "C Cinisello Balsamo"},
	{"it", "cinisello", "C Cinisello Balsamo"},
	{"it", "Cinisello Balsamo", "C Cinisello Balsamo"},
	{"it", "cinisello balsamo", "C Cinisello Balsamo"},
	{"it", "Cinisello balsamo MI", "C Cinisello Balsamo"},
	{"it", "sono di Crema", "C Crema"},
	{"it", "abito a Bresso", "C Bresso"},
	{"it", "abito a sesto", "P"},
	{"it", "Sesto", "P"},
	{"it", "sono di Cremona", "C Cremona"},
	{"it", "cremona", "C Cremona"},
	{"it", "CREMONA", "C Cremona"},
	{"it", "cremonna", "C Cremona"},
	{"it", "Cremona (CR)", "C Cremona"},
	{"it", "comune di crema", "C Crema"},
	{"it", "crema", "C Crema"},
	{"it", "Crema cr", "C Crema"},
	{"it", "vivo a castelleone", "C Castelleone"},
	{"it", "abito a Pandino da due anni", "C Pandino"},
	{"it", "sto a Viadana", "C Viadana"},
	{"it", "abito a Soncino", "O Soncino (CR)"},
	{"it", "Casalmaggiore", "C Casalmaggiore"},
	{"it", "casalmagiore", "C Casalmaggiore"},
	{"it", "sono di cusano milanino", "C Cusano Milanino"},
	{"it", "cormano", "C Cormano"},
	{"it", "Offanengo", "C Offanengo"},
	{"it", "sono di Gadesco", "C Gadesco-Pieve Delmona"},
	{"it", "Pieve d'Olmi", "C Pieve d'Olmi"},
	{"it", "pieve dolmi", "C Pieve d'Olmi"},
	{"it", "abito a Monza", "O Monza (MB)"},
	{"it", "Lodi", "O Lodi (LO)"},
	{"it", "bergamo", "O Bergamo (BG)"},
	{"it", "Brescia", "O Brescia (BS)"},
	{"it", "vivo a Pavia", "O Pavia (PV)"},
	{"it", "sono di Soresina", "O Soresina (CR)"},
	{"it", "Roma", "O Roma (RM)"},
	{"it", "napoli", "O Napoli (NA)"},
	{"it", "Reggio Emilia", "O Reggio nell'Emilia (RE)"},
	{"it", "reggio calabria", "O Reggio di Calabria (RC)"},
	{"it", "Paderno Dugnano", "O Paderno Dugnano (MI)"},
	{"it", "cologno monzese", "O Cologno Monzese (MI)"},
	{"it", "Sant'Angelo Lodigiano", "O Sant'Angelo Lodigiano (LO)"},
	{"it", "santangelo lodigiano", "O Sant'Angelo Lodigiano (LO)"},
	{"it", "codogno", "O Codogno (LO)"},
	{"it", "Treviglio", "O Treviglio (BG)"},
	{"it", "20121", "O Milano (MI)"},
	{"it", "00118", "O Roma (RM)"},
	{"it", "Cerco un centro a Crema", "C Crema"},
	{"it", "c'è un centro vicino a Codogno?", "O Codogno (LO)"},
	{"it", "dove siete a cremona?", "C Cremona"},
	{"it", "quali sono gli orari del centro di Bresso", "C Bresso"},
	{"it", "sono di Milano ma lavoro a Bresso", "O Milano (MI)"},
	{"it", "vorrei parlare con qualcuno a Crema", "C Crema"},
	{"it", "abito in via Roma a Cremona", "C Cremona"},
	{"it", "sto in corso Venezia, a Milano", "O Milano (MI)"},
	{"it", "sto a milano ma sono di napoli", "O Milano (MI)"},
	{"it", "vicino a Bergamo", "O Bergamo (BG)"},
	{"it", "vivo a Casalpusterlengo", "O Casalpusterlengo (LO)"},
	{"it", "cinisello b.", "C Cinisello Balsamo"},
	{"it", "Castelleone CR", "C Castelleone"},
	{"it", "Como", "O Como (CO)"},
	{"it", "abito a Prato", "O Prato (PO)"},
	{"it", "Castro", "P"},
	{"it", "Castro (BG)", "O Castro (BG)"},
	// Italian: small talk.
	{"it", "ciao", "T"},
	{"it", "Ciao!", "T"},
	{"it", "buongiorno", "T"},
	{"it", "Buonasera", "T"},
	{"it", "salve", "T"},
	{"it", "grazie", "T"},
	{"it", "grazie mille", "T"},
	{"it", "ok grazie", "T"},
	{"it", "si", "T"},
	{"it", "sì", "T"},
	{"it", "no", "T"},
	{"it", "va bene", "T"},
	{"it", "ok", "T"},
	{"it", "ciao come stai", "T"},
	{"it", "ci sei?", "T"},
	{"it", "grazie di tutto", "T"},
	{"it", "no grazie", "T"},
	{"it", "buona sera", "T"},
	// Italian: anything else.
	{"it", "mi insulta sempre", "N"},
	{"it", "mi ha spinta dalle scale", "N"},
	{"it", "ho i lividi sulle braccia", "N"},
	{"it", "mi ha strangolata", "N"},
	{"it", "oggi mi ha tirato i capelli", "N"},
	{"it", "posso dormire da voi stanotte?", "N"},
	{"it", "non voglio denunciare", "N"},
	{"it", "non so cosa fare", "U"},
	{"it", "ho bisogno di parlare con qualcuno", "U"},
	{"it", "no, va bene così", "T"},
	{"it", "mi serve un avvocato", "U"},
	{"it", "qwertyuiop", "U"},
	{"it", "boh", "U"},
	{"it", "???", "U"},
	{"it", "😭😭😭", "U"},
	{"it", "chi siete?", "U"},
	{"it", "come funziona?", "U"},
	{"it", "vorrei parlare con qualcuno", "U"},
	{"it", "sono stanca", "U"},
	{"it", "non ce la faccio", "U"},
	{"it", "mio figlio sta male", "U"},
	{"it", "non ho fatto niente di male", "U"},
	{"it", "in vita mia non ho mai chiesto niente", "U"},
	{"it", "ho parlato con lei", "U"},
	{"it", "posso venire con mia madre?", "U"},
	{"it", "3470000000", "U"},
	{"it", "è gratis?", "U"},
	{"it", "lavoro tutto il giorno e torno alle nove", "U"},
	{"it", "sono al sesto mese", "U"},
	{"it", "mio marito è geloso", "U"},
	{"it", "non so se è normale", "U"},
	{"it", "a che ora aprite", "U"},
	{"it", "ho litigato con il mio ragazzo", "U"},
	{"it", "la mia amica ha bisogno", "U"},
	{"it", "casa", "U"},
	{"it", "scusa", "T"},
	{"it", "a posto", "U"},
	{"it", "ho una domanda", "U"},
	{"it", "sono una ragazza di 17 anni", "U"},
	{"it", "mi sento sola", "U"},

	// English.
	{"en", "help", "N"},
	{"en", "Help me please", "N"},
	{"en", "HELP!!!", "N"},
	{"en", "hlep me", "N"},
	{"en", "my husband beats me", "N"},
	{"en", "my boyfriend hits me", "N"},
	{"en", "he hit me last night", "N"},
	{"en", "I'm scared", "N"},
	{"en", "im scared of him", "N"},
	{"en", "i am afraid", "N"},
	{"en", "I'm in danger", "N"},
	{"en", "he threatened to kill me", "N"},
	{"en", "he says he will kill me", "N"},
	{"en", "my ex is stalking me", "N"},
	{"en", "he won't let me leave the house", "N"},
	{"en", "I was raped", "N"},
	{"en", "domestic violence", "N"},
	{"en", "I don't feel safe at home", "N"},
	{"en", "emergency", "N"},
	{"en", "call the police", "N"},
	{"en", "sos", "N"},
	{"en", "he is abusive", "N"},
	{"en", "I need to escape tonight", "N"},
	{"en", "he has a knife", "N"},
	{"en", "my partner hurts me", "N"},
	{"en", "he beat me, I live in Cremona", "N C Cremona"},
	{"en", "help, I'm in Milan", "N O Milano (MI)"},
	{"en", "I'm scared, I live in Crema", "N C Crema"},
	{"en", "please help me find a centre in Bresso", "N C Bresso"},
	{"en", "my husband hits me and I live near Lodi", "N O Lodi (LO)"},
	{"en", "I live in Cremona", "C Cremona"},
	{"en", "I'm from Crema", "C Crema"},
	{"en", "Milan", "O Milano (MI)"},
	{"en", "milan", "O Milano (MI)"},
	{"en", "I live in Milan", "O Milano (MI)"},
	{"en", "Rome", "O Roma (RM)"},
	{"en", "Bresso", "C Bresso"},
	{"en", "cinisello", "C Cinisello Balsamo"},
	{"en", "20092", "C Cinisello Balsamo"},
	{"en", "is there a centre near Monza?", "O Monza (MB)"},
	{"en", "Where is the centre in Crema", "C Crema"},
	{"en", "we live in sesto san giovanni", "O Sesto San Giovanni (MI)"},
	{"en", "I am in Florence", "O Firenze (FI)"},
	{"en", "Naples", "O Napoli (NA)"},
	{"en", "I live in Cremna", "P"},
	{"en", "Turin", "O Torino (TO)"},
	{"en", "hi", "T"},
	{"en", "Hello", "T"},
	{"en", "hello!", "T"},
	{"en", "hey", "T"},
	{"en", "good morning", "T"},
	{"en", "thanks", "T"},
	{"en", "thank you", "T"},
	{"en", "thank you so much", "T"},
	{"en", "ok thanks", "T"},
	{"en", "yes", "T"},
	{"en", "no", "T"},
	{"en", "ok", "T"},
	{"en", "hi there", "T"},
	{"en", "is anyone there?", "T"},
	{"en", "he takes my money", "N"},
	{"en", "hi I live in Lodi", "O Lodi (LO)"},
	{"en", "near Cinisello", "C Cinisello Balsamo"},
	{"en", "Cremona please", "C Cremona"},
	{"en", "what is this", "U"},
	{"en", "I don't know what to do", "U"},
	{"en", "asdfgh", "U"},
	{"en", "who are you", "U"},
	{"en", "can I talk to someone", "U"},
	{"en", "I'm tired", "U"},
	{"en", "is it free?", "U"},
	{"en", "my friend needs advice", "U"},
	{"en", "I feel bad", "U"},
	{"en", "what time do you open", "U"},
	{"en", "male", "O Malé (TN)"},
	{"en", "I work in a shop", "U"},

	// Spanish.
	{"es", "ayuda", "N"},
	{"es", "ayúdame por favor", "N"},
	{"es", "mi marido me pega", "N"},
	{"es", "tengo miedo", "N"},
	{"es", "estoy en peligro", "N"},
	{"es", "me quiere matar", "N"},
	{"es", "socorro", "N"},
	{"es", "vivo en Cremona", "C Cremona"},
	{"es", "soy de Milán", "O Milano (MI)"},
	{"es", "hola", "T"},
	{"es", "gracias", "T"},
	{"es", "¿cómo funciona?", "U"},
	{"es", "no sé qué hacer", "U"},
	// French.
	{"fr", "aidez-moi", "N"},
	{"fr", "au secours", "N"},
	{"fr", "mon mari me frappe", "N"},
	{"fr", "j'ai peur", "N"},
	{"fr", "il menace de me tuer", "N"},
	{"fr", "je suis en danger", "N"},
	{"fr", "j'habite à Crema", "C Crema"},
	{"fr", "je vis à Milan", "O Milano (MI)"},
	{"fr", "bonjour", "T"},
	{"fr", "merci beaucoup", "T"},
	{"fr", "je ne sais pas quoi faire", "U"},
	{"fr", "c'est gratuit ?", "U"},
	// Portuguese.
	{"pt", "socorro", "N"},
	{"pt", "me ajuda", "N"},
	{"pt", "meu marido me bate", "N"},
	{"pt", "estou com medo", "N"},
	{"pt", "ele ameaçou me matar", "N"},
	{"pt", "moro em Cremona", "C Cremona"},
	{"pt", "moro em Milão", "O Milano (MI)"},
	{"pt", "oi", "T"},
	{"pt", "obrigada", "T"},
	{"pt", "não sei o que fazer", "U"},
	{"pt", "como funciona", "U"},
	// Polish.
	{"pl", "pomocy", "N"},
	{"pl", "mąż mnie bije", "N"},
	{"pl", "boję się", "N"},
	{"pl", "grozi mi", "N"},
	{"pl", "pobił mnie", "N"},
	{"pl", "mieszkam w Cremonie", "C Cremona"},
	{"pl", "mieszkam w Mediolanie", "O Milano (MI)"},
	{"pl", "mieszkam w Crema", "C Crema"},
	{"pl", "cześć", "T"},
	{"pl", "dziękuję", "T"},
	{"pl", "nie wiem co robić", "U"},
	// Romanian.
	{"ro", "ajutor", "N"},
	{"ro", "ajutați-mă", "N"},
	{"ro", "soțul meu mă bate", "N"},
	{"ro", "mi-e frică", "N"},
	{"ro", "vrea să mă omoare", "N"},
	{"ro", "locuiesc în Cremona", "C Cremona"},
	{"ro", "sunt din Milano", "O Milano (MI)"},
	{"ro", "bună ziua", "T"},
	{"ro", "mulțumesc", "T"},
	{"ro", "nu știu ce să fac", "U"},
	{"ro", "Crema", "C Crema"},
	// Russian.
	{"ru", "помогите", "N"},
	{"ru", "муж меня бьёт", "N"},
	{"ru", "мне страшно", "N"},
	{"ru", "он угрожает меня убить", "N"},
	{"ru", "я в опасности", "N"},
	{"ru", "я живу в Милане", "O Milano (MI)"},
	{"ru", "я живу в Кремоне", "C Cremona"},
	{"ru", "живу в Crema", "C Crema"},
	{"ru", "здравствуйте", "T"},
	{"ru", "спасибо", "T"},
	{"ru", "не знаю что делать", "U"},
	// Albanian.
	{"sq", "ndihmë", "N"},
	{"sq", "më ndihmoni", "N"},
	{"sq", "burri më rreh", "N"},
	{"sq", "kam frikë", "N"},
	{"sq", "do më vrasë", "N"},
	{"sq", "jetoj në Cremona", "C Cremona"},
	{"sq", "jam nga Milano", "O Milano (MI)"},
	{"sq", "përshëndetje", "T"},
	{"sq", "faleminderit", "T"},
	{"sq", "nuk di çfarë të bëj", "U"},
	// Ukrainian.
	{"uk", "допоможіть", "N"},
	{"uk", "чоловік мене б'є", "N"},
	{"uk", "мені страшно", "N"},
	{"uk", "він погрожує мене вбити", "N"},
	{"uk", "я в небезпеці", "N"},
	{"uk", "я живу в Мілані", "O Milano (MI)"},
	{"uk", "я живу в Кремоні", "C Cremona"},
	{"uk", "живу в Bresso", "C Bresso"},
	{"uk", "привіт", "T"},
	{"uk", "дякую", "T"},
	{"uk", "не знаю що робити", "U"},
	// Arabic.
	{"ar", "ساعدني", "N"},
	{"ar", "زوجي يضربني", "N"},
	{"ar", "أنا خائفة", "N"},
	{"ar", "يهددني بالقتل", "N"},
	{"ar", "أنا في خطر", "N"},
	{"ar", "أسكن في ميلانو", "O Milano (MI)"},
	{"ar", "أسكن في كريمونا", "C Cremona"},
	{"ar", "أسكن في Crema", "C Crema"},
	{"ar", "السلام عليكم", "T"},
	{"ar", "شكرا", "T"},
	{"ar", "لا أعرف ماذا أفعل", "U"},
	// Persian.
	{"fa", "کمک", "N"},
	{"fa", "شوهرم منو میزنه", "N"},
	{"fa", "می‌ترسم", "N"},
	{"fa", "تهدید به کشتن می‌کند", "N"},
	{"fa", "در خطر هستم", "N"},
	{"fa", "در میلان زندگی می‌کنم", "O Milano (MI)"},
	{"fa", "در کرمونا هستم", "C Cremona"},
	{"fa", "در Crema هستم", "C Crema"},
	{"fa", "سلام", "T"},
	{"fa", "ممنون", "T"},
	{"fa", "نمی‌دانم چه کار کنم", "U"},
	// Chinese.
	{"zh", "救命", "N"},
	{"zh", "我丈夫打我", "N"},
	{"zh", "我很害怕", "N"},
	{"zh", "他威胁要杀我", "N"},
	{"zh", "我有危险", "N"},
	{"zh", "我住在米兰", "O Milano (MI)"},
	{"zh", "我住在克雷莫纳", "C Cremona"},
	{"zh", "我在Crema", "C Crema"},
	{"zh", "你好", "T"},
	{"zh", "谢谢", "T"},
	{"zh", "不知道怎么办", "U"},
}

// TestCorpus answers every message of the corpus on the menu, in the
// language of the message, and checks that it produces what its label
// says; then as the first message of a conversation, where words of help
// must still get the numbers first and a town its answer. No reply to
// words of help lacks 1522 and 112, and her words never come back except
// a town's name.
func TestCorpus(t *testing.T) {
	cat, dir := catalogueAndSample(t)
	r := bot.NewRenderer(cat)
	svc := flows.NewService(memstore.New(), dir, flows.Options{Langs: cat.Langs(), Now: func() time.Time { return tuesdayMorning }, Lexicon: testLexicon(t)})
	perLang := map[string]int{}
	for i, c := range corpus {
		perLang[c.lang]++
		kinds, town := parseWant(c.want)
		t.Run(fmt.Sprintf("%03d_%s", i, c.lang), func(t *testing.T) {
			onMenu := int64(1000 + 2*i)
			handle(t, svc, flows.Input{Chat: onMenu, Lang: c.lang, Kind: flows.KindCommand, Command: "start"})
			res := handle(t, svc, flows.Input{Chat: onMenu, Lang: c.lang, Kind: flows.KindText, Text: c.text})
			if msg := produces(dir, res, kinds, town); msg != "" {
				t.Errorf("%s %q (want %s): %s; got %s", c.lang, c.text, c.want, msg, describe(res))
			}
			notRepeated(t, r, res, c.text, town)
			// As her first message.
			first := handle(t, svc, flows.Input{Chat: onMenu + 1, Lang: c.lang, Kind: flows.KindText, Text: c.text})
			switch {
			case kinds[0] == "N":
				if msg := produces(dir, first, kinds, town); msg != "" {
					t.Errorf("first message %s %q (want %s): %s; got %s", c.lang, c.text, c.want, msg, describe(first))
				}
			case kinds[0] == "C" || kinds[0] == "O" || kinds[0] == "P":
				if msg := produces(dir, flows.Result{Replies: first.Replies[1:], Event: first.Event}, kinds, town); msg != "" || !hasText(flows.Result{Replies: first.Replies[:1]}, "welcome.hello") {
					t.Errorf("first message %s %q (want the welcome, then %s): %s; got %s", c.lang, c.text, c.want, msg, describe(first))
				}
			default:
				if !hasText(first, "welcome.hello") || len(first.Replies) != 1 {
					t.Errorf("first message %s %q: want the welcome alone, got %s", c.lang, c.text, describe(first))
				}
			}
		})
	}
	if len(corpus) < 300 || perLang["it"]+perLang["en"] < 200 {
		t.Errorf("the corpus has %d messages, %d in Italian and English; want at least 300", len(corpus), perLang["it"]+perLang["en"])
	}
	for _, lang := range cat.Langs() {
		if perLang[lang] < 10 {
			t.Errorf("the corpus has %d messages in %s, want at least 10", perLang[lang], lang)
		}
	}
	t.Logf("%d messages: %v", len(corpus), perLang)
}

// parseWant splits a label: its kinds ("N", "C"...) and the town.
func parseWant(want string) (kinds []string, town string) {
	f := strings.Fields(want)
	kinds = []string{f[0]}
	rest := f[1:]
	if f[0] == "N" && len(rest) > 0 {
		kinds = append(kinds, rest[0])
		rest = rest[1:]
	}
	return kinds, strings.Join(rest, " ")
}

// produces says what is wrong with res for the kinds, or "".
func produces(dir *directory.Directory, res flows.Result, kinds []string, town string) string {
	reps := res.Replies
	if len(reps) == 0 {
		return "no reply"
	}
	if kinds[0] == "N" {
		r := reps[0]
		if len(r.Texts) < 3 || r.Texts[0].ID != "auto.notice" || !replyHas(r, "emergency.112_now") || !replyHas(r, "emergency.1522") || !chatButton(r) {
			return "the first reply is not the numbers first"
		}
		if len(kinds) == 1 {
			if len(reps) != 1 {
				return "more than the numbers"
			}
			return ""
		}
		if len(reps) != 2 {
			return "the numbers, but not then the town"
		}
		reps, kinds = reps[1:], kinds[1:]
	}
	if len(reps) != 1 {
		return fmt.Sprintf("%d replies, want 1", len(reps))
	}
	r := reps[0]
	switch kinds[0] {
	case "C":
		// A list of the town's centres, or the card of the one centre
		// that covers it.
		first := r.Texts[0]
		_, centres := dir.FindTown(town)
		switch {
		case len(centres) == 0:
			return "bad label: no centre covers " + town
		case first.ID == "list.town" && first.Data["Town"] == town:
		case first.ID == "card.town" && len(centres) == 1 && first.Data["Town"] == centres[0].Town:
		default:
			return "not the centres of " + town
		}
	case "O":
		if r.Texts[0].ID != "card.town" || r.Texts[0].Data["Town"] != town || !replyHas(r, "town.outside") || !replyHas(r, "emergency.outside") || !replyHas(r, "list.nearest") {
			return "not the nearest centres of " + town + " outside the areas"
		}
	case "P":
		if !replyHas(r, "town.pick") {
			return "not a choice of comuni"
		}
	case "T":
		if res.Event != "small_talk" || !replyHas(r, "menu.title") {
			return "not small talk"
		}
	case "U":
		if res.Event != "unknown" || r.Texts[0].ID != "auto.notice" || !replyHas(r, "emergency.1522") || !replyHas(r, "emergency.112") || !replyHas(r, "menu.title") {
			return "not the automatic answer with the numbers"
		}
	default:
		return "bad label " + kinds[0]
	}
	return ""
}

func replyHas(r flows.Reply, id string) bool {
	for _, t := range r.Texts {
		if t.ID == id {
			return true
		}
	}
	return false
}

func chatButton(r flows.Reply) bool {
	for _, row := range r.Buttons {
		for _, b := range row {
			if b.URL == flows.ChatURL1522 {
				return true
			}
		}
	}
	return false
}

func describe(res flows.Result) string {
	var parts []string
	for _, r := range res.Replies {
		var ids []string
		for _, t := range r.Texts {
			id := t.ID
			if town, ok := t.Data["Town"].(string); ok {
				id += "(" + town + ")"
			}
			ids = append(ids, id)
		}
		parts = append(parts, "["+strings.Join(ids, " ")+"]")
	}
	return res.Event + " " + strings.Join(parts, " ")
}

// notRepeated fails when a reply shows her words (any run of three or more
// of them), other than the town it recognised.
func notRepeated(t *testing.T, r *bot.CatalogRenderer, res flows.Result, text, town string) {
	t.Helper()
	words := strings.Fields(strings.ToLower(text))
	for _, rep := range res.Replies {
		shown := strings.ToLower(bot.PlainText(r.Render(res.Lang, rep).Text))
		shown = strings.ReplaceAll(shown, strings.ToLower(town), "")
		for i := 0; i+3 <= len(words); i++ {
			if run := strings.Join(words[i:i+3], " "); strings.Contains(shown, run) {
				t.Errorf("%q comes back in a reply: %q", run, shown)
			}
		}
	}
}

// BenchmarkCorpus answers the messages of the corpus in turn, on the menu:
// the cost of reading one message of hers, store included.
func BenchmarkCorpus(b *testing.B) {
	cat, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	svc := flows.NewService(memstore.New(), sampleDir(b), flows.Options{Langs: cat.Langs(), Now: func() time.Time { return tuesdayMorning }, Lexicon: testLexicon(b)})
	ctx := context.Background()
	if _, err := svc.Handle(ctx, flows.Input{Chat: 1, Kind: flows.KindCommand, Command: "start"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c := corpus[i%len(corpus)]
		if _, err := svc.Handle(ctx, flows.Input{Chat: 1, Lang: c.lang, Kind: flows.KindText, Text: c.text}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzText: whatever she types on the menu gets an answer that is no dead
// end: the numbers or the button to them, and the exit.
func FuzzText(f *testing.F) {
	for _, c := range corpus {
		f.Add(c.text)
	}
	cat, err := locales.New()
	if err != nil {
		f.Fatal(err)
	}
	svc := flows.NewService(memstore.New(), sampleDir(f), flows.Options{Langs: cat.Langs(), Now: func() time.Time { return tuesdayMorning }, Lexicon: testLexicon(f)})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := svc.Handle(ctx, flows.Input{Chat: 1, Kind: flows.KindCommand, Command: "menu"}); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Handle(ctx, flows.Input{Chat: 1, Kind: flows.KindText, Text: text})
		if err != nil || len(res.Replies) == 0 {
			t.Fatalf("%q: %v, %d replies", text, err, len(res.Replies))
		}
		var numbers, exit bool
		for _, r := range res.Replies {
			numbers = numbers || replyHas(r, "emergency.1522")
			for _, row := range r.Buttons {
				for _, b := range row {
					numbers = numbers || b.Data == "sos"
					exit = exit || b.Data == "exit"
				}
			}
		}
		if !numbers || !exit {
			t.Fatalf("%q: a dead end: %s", text, describe(res))
		}
	})
}

// Words of danger typed during the callback request get the numbers
// first, and the way back to the request with her answers.
func TestHelpDuringRequest(t *testing.T) {
	clk := &clock{t: tuesdayMorning}
	st := withOperators(t, clk.Now)
	svc := flows.NewService(st, sampleDir(t), flows.Options{Langs: []string{"it"}, Now: clk.Now, Callbacks: st, Lexicon: testLexicon(t)})
	handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:c:arca-cremona"})
	handle(t, svc, flows.Input{Chat: her, Kind: flows.KindContact, Phone: "+39 347 000 0000"})
	res := handle(t, svc, flows.Input{Chat: her, Kind: flows.KindText, Text: "ho paura, è tornato"})
	if msg := produces(sampleDir(t), res, []string{"N"}, ""); msg != "" {
		t.Fatalf("danger words during the request: %s; got %s", msg, describe(res))
	}
	var resume bool
	for _, row := range res.Replies[0].Buttons {
		resume = resume || slices.ContainsFunc(row, func(b flows.Button) bool { return b.Data == "cb:r" })
	}
	if !resume {
		t.Fatalf("no way back to the request: %s", describe(res))
	}
	res = handle(t, svc, flows.Input{Chat: her, Kind: flows.KindButton, Data: "cb:r"})
	if !hasText(res, "cb.windows.prompt") {
		t.Errorf("back to the request: %s, want its times question with her answers kept", describe(res))
	}
}

// TestWordListTowns: every Italian town named in a language's word list
// is one comune of the gazetteer.
func TestWordListTowns(t *testing.T) {
	lists, err := locales.WordLists()
	if err != nil {
		t.Fatal(err)
	}
	for lang, w := range lists {
		for alias, name := range w.Towns {
			if m := directory.Italy().Lookup(name, false); len(m.Places) != 1 {
				t.Errorf("words/%s.toml: towns %q = %q: %d comuni, want one", lang, alias, name, len(m.Places))
			}
		}
	}
}
