// Every fix is a CodeFixProvider over the analyzer's diagnostics and the attribute's syntax.
global using System.Collections.Generic;
global using System.Collections.Immutable;
global using System.Composition;
global using System.Linq;
global using System.Threading.Tasks;
global using Backprop.Generator.Diagnostics;
global using Backprop.Generator.Parsing;
global using Microsoft.CodeAnalysis;
global using Microsoft.CodeAnalysis.CodeFixes;
global using Microsoft.CodeAnalysis.CSharp;
global using Microsoft.CodeAnalysis.CSharp.Syntax;
