package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/language"

	"frontdoor/bot"
	"frontdoor/flows"
)

var (
	//go:embed assets/door.css
	styleSheet string
	//go:embed assets/door.js
	script string
	//go:embed assets/icon.svg
	defaultIcon []byte
)

// contentPolicy allows the page's own style and script (by their hashes),
// its icon, posting to itself (and being sent on to the exit site), and
// nothing else: no other site's resources, no framing, no plugins.
func contentPolicy(away string) string {
	return "default-src 'none'; script-src '" + hash(script) + "'; style-src '" + hash(styleSheet) + "'; " +
		"img-src 'self'; connect-src 'self'; form-action 'self' " + away + "; " +
		"frame-ancestors 'none'; base-uri 'none'"
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// pageData is what the page template shows.
type pageData struct {
	Lang, Dir, Title string
	// Token goes into every form; Away and Idle (seconds, 0 for never) are
	// for the script, which leaves at the idle wipe.
	Token, Away string
	Idle        int
	ExitLabel   string
	// Notices are the outbox's messages for her, shown before her screen.
	Notices []message
	Screen  []message
	// Input is the text field; nil on pages that only explain.
	Input *inputField
	Style template.CSS
	// Script is the page's script, or empty on pages without forms.
	Script template.JS
}

// message is one reply as the page shows it.
type message struct {
	// Token goes into its forms; Lang is its language when it is not the
	// page's (a message kept for her, in the language of her request).
	Token, Lang string
	Lines       template.HTML
	Rows        [][]bot.MessageButton
	// Location offers her location (shown by the script where the browser
	// can give it).
	Location string
}

// inputField is the text field under every screen.
type inputField struct{ Label, Send string }

// page renders a screen.
func (d *Door) page(w http.ResponseWriter, r *http.Request, id []byte, sc screen, notices []flows.Outgoing) {
	p := d.pageFor(sc.lang, id)
	p.Idle = int(sc.idle / time.Second)
	for _, n := range notices {
		m := d.message(n.Lang, n.Reply, p.Token)
		if n.Lang != sc.lang {
			m.Lang = n.Lang
		}
		p.Notices = append(p.Notices, m)
	}
	for _, rep := range sc.replies {
		if rep.Transient {
			continue // it only carried a keyboard away, on Telegram
		}
		p.Screen = append(p.Screen, d.message(sc.lang, rep, p.Token))
	}
	p.Input = &inputField{Label: d.text(sc.lang, "web.input"), Send: d.text(sc.lang, "web.send")}
	d.render(w, r, http.StatusOK, p)
}

// pageFor is the frame of every page in lang.
func (d *Door) pageFor(lang string, id []byte) pageData {
	dir := "ltr"
	if d.cfg.RightToLeft(lang) {
		dir = "rtl"
	}
	p := pageData{Lang: lang, Dir: dir, Title: d.cfg.Title, Away: d.cfg.Away, ExitLabel: d.text(lang, "button.exit"),
		Style: template.CSS(styleSheet)}
	if id != nil {
		p.Token, p.Script = d.token(id), template.JS(script)
	}
	return p
}

// message renders one reply for the page: its lines as the catalogue's
// HTML (values escaped by the renderer), phone numbers as links to call.
func (d *Door) message(lang string, rep flows.Reply, token string) message {
	m := d.cfg.Renderer.Render(lang, rep)
	out := message{Token: token, Lines: template.HTML(callable(m.Text)), Rows: m.Buttons}
	if m.LocationLabel != "" {
		out.Location = m.LocationLabel
	}
	return out
}

// text is one of the door's labels in lang.
func (d *Door) text(lang, id string) string {
	s, _ := d.cfg.Texts.Text(lang, id, nil, nil)
	return s
}

// explain answers with a page that only explains (too many requests, no
// cookie, a failure), with the numbers that always answer: never a dead
// end.
// Exit works there too when she has a cookie.
func (d *Door) explain(w http.ResponseWriter, r *http.Request, status int, text string) {
	lang := acceptLanguage(r.Header.Get("Accept-Language"), d.cfg.Langs)
	id, ok := d.cookie(r)
	if sc, found := d.visitors.screen(bot.WebChat(id), d.now()); ok && found {
		lang = sc.lang
	}
	if !containsLang(d.cfg.Langs, lang) {
		lang = d.cfg.Langs[0]
	}
	if !ok {
		id = nil
	}
	p := d.pageFor(lang, id)
	p.Screen = []message{d.message(lang, flows.Reply{Texts: []flows.Text{flows.T(text),
		flows.T("emergency.112"), flows.T("emergency.1522"), flows.T("emergency.114")}}, p.Token)}
	d.render(w, r, status, p)
}

func (d *Door) busy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "60")
	d.explain(w, r, http.StatusTooManyRequests, "web.busy")
}

func (d *Door) noCookie(w http.ResponseWriter, r *http.Request) {
	d.explain(w, r, http.StatusBadRequest, "web.cookies")
}

func (d *Door) sorry(w http.ResponseWriter, r *http.Request) {
	d.explain(w, r, http.StatusInternalServerError, "error.store")
}

func (d *Door) render(w http.ResponseWriter, r *http.Request, status int, p pageData) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = b.WriteTo(w)
	}
}

func containsLang(langs []string, lang string) bool {
	for _, l := range langs {
		if l == lang {
			return true
		}
	}
	return false
}

// acceptLanguage picks her language from the browser's Accept-Language: the
// first, by preference, whose base language is offered; else her first
// language as it is, so that the dialogues know she reads none of theirs.
func acceptLanguage(header string, offered []string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ""
	}
	for _, t := range tags {
		base, _ := t.Base()
		if containsLang(offered, base.String()) {
			return base.String()
		}
	}
	return tags[0].String()
}

// phone finds the numbers the catalogue and the directory write: in
// international form (+39…), or the national ones in bold.
var phone = regexp.MustCompile(`\+[0-9]{6,15}|<b>(112|1522|114)</b>`)

// callable turns the phone numbers of a message's HTML into links that
// call them. Only text outside tags is touched.
func callable(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		loc := phone.FindStringIndex(s)
		if loc == nil {
			b.WriteString(s)
			break
		}
		if open := strings.LastIndexByte(s[:loc[0]], '<'); open > strings.LastIndexByte(s[:loc[0]], '>') && !strings.HasPrefix(s[loc[0]:], "<b>") {
			// Inside a tag: leave it.
			b.WriteString(s[:loc[1]])
			s = s[loc[1]:]
			continue
		}
		b.WriteString(s[:loc[0]])
		num := s[loc[0]:loc[1]]
		if n, ok := strings.CutPrefix(num, "<b>"); ok {
			n = strings.TrimSuffix(n, "</b>")
			b.WriteString(`<b><a href="tel:` + n + `">` + n + `</a></b>`)
		} else {
			b.WriteString(`<a href="tel:` + num + `">` + num + `</a>`)
		}
		s = s[loc[1]:]
	}
	return b.String()
}

// label is a button's label with its leading symbol apart ("🔎 Find a
// centre"): a screen reader says the words and not the symbol's name. A
// tick says a choice is made, and stays.
type label struct{ Icon, Text string }

func splitLabel(s string) label {
	icon, text, ok := strings.Cut(s, " ")
	if !ok || text == "" || icon == "✓" || strings.IndexFunc(icon, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
		return label{Text: s}
	}
	return label{Icon: icon, Text: text}
}

// pageTemplate is the page. Exit comes first (first in the tab order, fixed
// at the top); each form carries the anti-forgery token; the text field
// takes words, a town or a /command.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"label": splitLabel}).Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<link rel="icon" href="/favicon.ico">
<style>{{.Style}}</style>
{{- if .Idle}}
<noscript><meta http-equiv="refresh" content="{{.Idle}};url={{.Away}}"></noscript>
{{- end}}
</head>
<body data-away="{{.Away}}" data-t="{{.Token}}" data-idle="{{.Idle}}">
{{- if .Token}}
<form id="exit" class="bar" method="post" action="/"><input type="hidden" name="t" value="{{.Token}}"><input type="hidden" name="b" value="exit"><button class="exit" type="submit">{{template "label" label .ExitLabel}}</button></form>
{{- else}}
<div class="bar"><a class="exit" href="{{.Away}}" rel="noreferrer">{{template "label" label .ExitLabel}}</a></div>
{{- end}}
<main>
{{- range .Notices}}
<section class="msg notice"{{with .Lang}} lang="{{.}}"{{end}}>{{template "message" .}}</section>
{{- end}}
{{- range .Screen}}
<section class="msg">{{template "message" .}}</section>
{{- end}}
{{- with .Input}}
<form class="say" method="post" action="/" autocomplete="off"><input type="hidden" name="t" value="{{$.Token}}"><label for="q">{{.Label}}</label><input id="q" name="q" type="text" maxlength="1000" autocomplete="off" spellcheck="false" dir="auto" enterkeyhint="send"><button type="submit">{{.Send}}</button></form>
{{- end}}
</main>
{{- if .Script}}
<script>{{.Script}}</script>
{{- end}}
</body>
</html>
{{define "message"}}<p>{{.Lines}}</p>
{{- if .Location}}
<form id="loc" class="loc" method="post" action="/" hidden><input type="hidden" name="t" value="{{.Token}}"><input type="hidden" name="lat"><input type="hidden" name="lon"><button type="submit">{{template "label" label .Location}}</button></form>
{{- end}}
{{- if .Rows}}
<form method="post" action="/"><input type="hidden" name="t" value="{{.Token}}">
{{- range .Rows}}
<div class="row">{{range .}}{{if .URL}}<a class="link" href="{{.URL}}" rel="noreferrer noopener">{{template "label" label .Label}}</a>{{else}}<button type="submit" name="b" value="{{.Data}}">{{template "label" label .Label}}</button>{{end}}{{end}}</div>
{{- end}}
</form>
{{- end}}
{{- end}}
{{define "label"}}{{with .Icon}}<span aria-hidden="true">{{.}}</span> {{end}}{{.Text}}{{end}}`))
