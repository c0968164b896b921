package flows

import (
	"frontdoor/flows/directory"
	"strings"
)

// ProblemText says the problem in her language, on one line: "line 15 ·
// centre «arca-crema» · phones «0372»: it is not a phone number". What is
// not known is left out.
func ProblemText(p *directory.Problem) Text {
	var line, where any = "", ""
	if p.Line > 0 {
		line = p.Line
	}
	switch {
	case p.Kind == "":
	case p.Entry != "":
		where = T("dir.where_"+p.Kind, "ID", p.Entry)
	default:
		where = T("dir.where_"+p.Kind+"_n", "N", p.Index+1)
	}
	field := p.Field
	if p.Value != "" {
		field += " «" + directory.Clip(p.Value, 40) + "»"
	}
	return T("dir.problem", "Line", line, "Where", where, "Field", strings.TrimSpace(field), "Why", TextOf(p.Why))
}
