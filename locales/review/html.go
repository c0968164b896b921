package review

import (
	"html"
	"html/template"
	"io"
	"regexp"
	"strings"

	"frontdoor/locales"
)

// WriteHTML writes the printable sheet: one HTML file, no scripts, no
// outside resources, laid out for A4 paper, with a blank column for
// corrections by hand.
func WriteHTML(w io.Writer, s *Sheet) error {
	return page.Execute(w, s)
}

var page = template.Must(template.New("sheet").Funcs(template.FuncMap{
	"telegram": telegramHTML,
	"texts":    entryTexts,
	"message":  messageHTML,
	"name":     langName,
	"dir": func(lang string) string {
		if locales.RightToLeft(lang) {
			return "rtl"
		}
		return "ltr"
	},
	"join": strings.Join,
	"inc":  func(i int) int { return i + 1 },
	"langs": func(s *Sheet) []string {
		return []string{locales.Source, "en", s.Lang}
	},
}).Parse(sheetTemplate))

// langName is a language in its own name, for the column headings.
func langName(lang string) string {
	switch lang {
	case locales.Source:
		return "Italiano"
	case "en":
		return "English"
	}
	return ""
}

// telegramTag is a tag of Telegram's HTML that the sheet keeps.
var telegramTag = regexp.MustCompile(`^</?(b|i|u|s|code|pre)>$`)

// telegramHTML shows a message as Telegram would: its bold, code and
// preformatted text kept, everything else as text.
func telegramHTML(s string) template.HTML {
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(s)))
			break
		}
		b.WriteString(html.EscapeString(html.UnescapeString(s[:i])))
		s = s[i:]
		end := strings.IndexByte(s, '>')
		if end < 0 {
			b.WriteString(html.EscapeString(s))
			break
		}
		if tag := s[:end+1]; telegramTag.MatchString(tag) {
			b.WriteString(tag)
		} else {
			b.WriteString(html.EscapeString(tag))
		}
		s = s[end+1:]
	}
	return template.HTML(b.String())
}

// codeRun is a {{.Value}} or an HTML tag inside a message's text.
var codeRun = regexp.MustCompile(`\{\{[^}]*\}\}|</?[a-zA-Z][^>]*>`)

// messageHTML shows a message's text as written, each {{.Value}} and tag
// kept left to right: in an Arabic or Farsi cell "{{.Time}}" would
// otherwise read "{{Time.}}".
func messageHTML(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range codeRun.FindAllStringIndex(s, -1) {
		b.WriteString(html.EscapeString(s[last:m[0]]))
		b.WriteString(`<bdi dir="ltr">` + html.EscapeString(s[m[0]:m[1]]) + `</bdi>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(s[last:]))
	return template.HTML(b.String())
}

// entryTexts lists a message's text, or its forms as "one: …".
func entryTexts(m locales.Message) []string {
	if !m.Plural {
		return []string{m.Text()}
	}
	var out []string
	for _, f := range locales.PluralForms {
		if text, ok := m.Forms[f]; ok {
			out = append(out, f+": "+text)
		}
	}
	return out
}

const sheetTemplate = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>frontdoor: review of the texts in {{.Name}} ({{.Lang}})</title>
<style>
@page { size: A4; margin: 14mm 12mm; }
body { font: 10pt/1.35 "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #000; max-width: 60em; margin: auto; }
h1 { font-size: 16pt; }
h2 { font-size: 13pt; break-before: page; border-bottom: 1px solid #000; }
h3 { font-size: 11pt; margin: 6mm 0 2mm; break-after: avoid; }
.screens { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 3mm; break-inside: avoid; }
.screens > div > b.lang { display: block; font-size: 8.5pt; color: #444; }
.did { font-style: italic; font-size: 9pt; }
.msg { border: 1px solid #999; border-radius: 3mm; padding: 1.5mm 2mm; margin: 1mm 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin-bottom: 1mm; }
.btn { display: inline-block; border: 1px solid #999; border-radius: 2mm; padding: 0 1.5mm; margin: .4mm; font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 2mm 0 4mm; }
th, td { border: 1px solid #999; padding: 1.2mm 1.5mm; vertical-align: top; text-align: start; white-space: pre-wrap; overflow-wrap: anywhere; }
th { background: #eee; font-size: 9pt; }
tr { break-inside: avoid; }
.id { display: block; font: 7.5pt monospace; color: #555; }
.mark { display: block; font-weight: bold; font-size: 8.5pt; }
.fix { width: 24%; }
ul.rules li { margin-bottom: 1.5mm; }
@media screen { h2 { margin-top: 12mm; } }
</style>
</head>
<body>
<h1>frontdoor: review of the texts in {{.Name}} ({{.Lang}}.toml)</h1>
<p>Written on {{.Written}}.
{{- if .Review.By}} Last reviewed by {{.Review.By}} on {{.Review.On}}.{{else}} Not reviewed by a native speaker yet.{{end}}
{{- if .ReviewAgain}} {{.ReviewAgain}} messages changed since that review and are marked.{{end}}
{{- if .Stale}} {{.Stale}} translations were made from an older Italian text and are marked.{{end}}</p>

<p>frontdoor is a discreet Telegram bot: a woman, often on a phone that someone else can pick up,
finds the nearest anti-violence centre, whether it is open, which numbers to call, and asks for a
discreet call back. Thank you for reading what she reads in your language.</p>

<p><b>How to send corrections.</b> Write them in the last column of the tables below, by hand,
or in the file <b>{{.Lang}}-review.txt</b> that came with this one (it has the same messages, with a line
"fix:" under each; its first lines explain how to fill it in). Whatever you do not correct counts as
approved.</p>

<p><b>Rules</b></p>
<ul class="rules">
<li>The first two lines of every message she receives show on the lock screen of her phone: they must
never say what this is about. In {{.Name}} these word stems must not appear there:
<b>{{join .Alarming ", "}}</b>.</li>
<li>Address her the way support services in your language address an adult stranger, as the texts do
now, and the same way everywhere. The bot is written for women: where your language marks it, she is
feminine.</li>
<li>Keep every fact: numbers, hours, what each number does (112 also answers for 113, 115 and 118 in
Lombardy; 1522 is free, anonymous, always on, also as a chat at 1522.eu; 114 is for children).</li>
<li>Words in double braces, like <code>{{"{{"}}.Name}}</code>, stay exactly as they are: the program puts a
name, a time or a number there; the screens show what it puts. <code>&lt;b&gt;…&lt;/b&gt;</code> makes
the words between them bold: keep it around the same words.</li>
{{- if gt (len .Forms) 1}}
<li>Some messages change with a number: they have a form for each case your language needs
({{join .Forms ", "}}).</li>
{{- end}}
</ul>

{{range $pi, $p := .Parts}}
<h2>Part {{inc $pi}}: {{$p.Title}}</h2>
<p>{{$p.Intro}}</p>
{{range $p.Sections}}
<h3>{{.Title}}</h3>
{{- if .Screens}}
<div class="screens">
{{- range $i, $sc := .Screens}}
{{- $lang := index (langs $) $i}}
<div dir="{{dir $lang}}" lang="{{$lang}}">
<b class="lang">{{if name $lang}}{{name $lang}}{{else}}{{$.Name}}{{end}}</b>
{{- if $sc.Did}}<div class="did">{{if $sc.Typed}}“{{$sc.Did}}”{{else}}[{{$sc.Did}}]{{end}}</div>{{end}}
{{- range $sc.Messages}}
<div class="msg"><div class="text">{{telegram .Text}}</div>
{{- range .Buttons}}
<div>{{range .}}<span class="btn">{{.Label}}</span>{{end}}</div>
{{- end}}
{{- if .LocationLabel}}<div><span class="btn">{{.LocationLabel}}</span></div>{{end}}
{{- if .ContactLabel}}<div><span class="btn">{{.ContactLabel}}</span></div>{{end}}
</div>
{{- end}}
</div>
{{- end}}
</div>
{{- end}}
{{- if .Entries}}
<table>
<tr><th>Italiano</th><th>English</th><th dir="{{dir $.Lang}}">{{$.Name}}</th><th class="fix">Correction</th></tr>
{{- range .Entries}}
<tr>
<td><span class="id">{{.ID}}</span>{{range texts .It}}{{message .}}
{{end}}</td>
<td lang="en">{{range texts .En}}{{message .}}
{{end}}</td>
<td dir="{{dir $.Lang}}" lang="{{$.Lang}}">
{{- if .Missing}}<span class="mark">Not translated yet.</span>
{{- else if .Stale}}<span class="mark">The Italian changed after this was translated.</span>
{{- else if .ReviewAgain}}<span class="mark">Changed since the last review.</span>{{end}}
{{- range texts .Tr}}{{message .}}
{{end}}</td>
<td></td>
</tr>
{{- end}}
</table>
{{- end}}
{{end}}
{{end}}
</body>
</html>
`
