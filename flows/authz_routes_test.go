package flows_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// switchRoutes name the functions whose switch statements on the verb of a
// button ("verb") or on a command ("in.Command") route what people do,
// with the prefix the matrix writes their cases with.
var switchRoutes = map[string]string{
	"staffAction":   "st.", // staff buttons, commands and typed edits
	"routeCallback": "cb:", // her callback request
	"route":         "/",   // the woman's commands
	"routeButton":   "",    // the woman's buttons
}

// listRoutes name the variables and constants that list commands and
// verbs, with the prefix the matrix writes them with.
var listRoutes = map[string]string{
	"staffCommands":   "/",
	"opVerbs":         "op:",
	"onCallCommands":  "/",
	"offCallCommands": "/",
	"linkCommands":    "/",
	"invitePrefix":    "/start ",
}

// routedActions reads the source of package flows for every command and
// button verb it routes, so that an action added to the code and not to
// the matrix fails the test.
func routedActions(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := map[string]bool{}
	var out []string
	add := func(prefix, s string) {
		if a := strings.TrimSuffix(prefix+s, ":"); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				prefix, ok := switchRoutes[n.Name.Name]
				if !ok {
					return true
				}
				found[n.Name.Name] = true
				ast.Inspect(n.Body, func(m ast.Node) bool {
					sw, ok := m.(*ast.SwitchStmt)
					if !ok || !isRouteTag(sw.Tag) {
						return true
					}
					for _, clause := range sw.Body.List {
						for _, e := range clause.(*ast.CaseClause).List {
							if s, ok := stringLit(e); ok {
								add(prefix, s)
							}
						}
					}
					return true
				})
			case *ast.ValueSpec:
				for i, id := range n.Names {
					prefix, ok := listRoutes[id.Name]
					if !ok || i >= len(n.Values) {
						continue
					}
					found[id.Name] = true
					ast.Inspect(n.Values[i], func(m ast.Node) bool {
						if kv, ok := m.(*ast.KeyValueExpr); ok {
							if s, ok := stringLit(kv.Key); ok {
								add(prefix, s)
							}
							return false
						}
						if s, ok := stringLit(m); ok {
							add(prefix, s)
						}
						return true
					})
				}
			}
			return true
		})
	}
	for name := range switchRoutes {
		if !found[name] {
			t.Errorf("func %s, which routes actions, is gone: tell this test where they are routed now", name)
		}
	}
	for name := range listRoutes {
		if !found[name] {
			t.Errorf("%s, which lists actions, is gone: tell this test where they are listed now", name)
		}
	}
	return out
}

// isRouteTag says whether a switch decides on a button's verb or a command.
func isRouteTag(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "verb"
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "in" && e.Sel.Name == "Command"
	}
	return false
}

func stringLit(n ast.Node) (string, bool) {
	lit, ok := n.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// checkCoverage fails for an action the code routes that neither the
// matrix nor the lists of public actions and draft steps hold, and for one
// they hold that the code no longer routes.
func checkCoverage(t *testing.T) {
	routed := routedActions(t)
	known := map[string]string{}
	for _, c := range matrixColumns {
		for _, v := range c.verbs {
			known[v] = "column " + c.code
		}
	}
	for _, v := range ownDraftSteps {
		known[v] = "ownDraftSteps"
	}
	for _, v := range publicActions {
		known[v] = "publicActions"
	}
	for _, a := range routed {
		if _, ok := known[a]; !ok {
			t.Errorf("the code routes %q, which the authorization matrix does not try: add a column for it (authz_columns_test.go), or to publicActions if anyone may do it to her own conversation alike", a)
		}
	}
	for v, where := range known {
		if !slices.Contains(routed, v) {
			t.Errorf("%s names %q, which the code no longer routes", where, v)
		}
	}
}
