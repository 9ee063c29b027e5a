/**
 * Conventions every component under components/ keeps, read from the source
 * so that a new component is held to them without being listed here: every
 * public output registered with registerOutputs, every args field documented,
 * with its @default when it is optional.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import { projectDir } from "./helpers/synthesize";

interface ComponentClass {
  readonly name: string;
  readonly file: string;
  readonly publicFields: readonly string[];
  /** Keys of each registerOutputs call; "..." stands for a spread the source cannot resolve. */
  readonly registerCalls: readonly (readonly string[])[];
  /** Whether the constructor's last statement is the registerOutputs call (nothing is declared after it). */
  readonly registersLast: boolean;
}

interface ArgsField {
  /** Dotted for fields of nested object types, e.g. `postgres.host`. */
  readonly path: string;
  readonly described: boolean;
  readonly optional: boolean;
  readonly documentedDefault: boolean;
}

interface ArgsInterface {
  readonly name: string;
  readonly file: string;
  readonly fields: readonly ArgsField[];
}

function sourceFiles(dir: string): ts.SourceFile[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(file);
    }
    return entry.name.endsWith(".ts")
      ? [ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true)]
      : [];
  });
}

function relative(source: ts.SourceFile): string {
  return path.relative(projectDir, source.fileName);
}

function isComponentClass(node: ts.ClassDeclaration): boolean {
  return (node.heritageClauses ?? []).some(
    (clause) =>
      clause.token === ts.SyntaxKind.ExtendsKeyword &&
      clause.types.some((t) => /(^|\.)ComponentResource$/.test(t.expression.getText())),
  );
}

function isPublicInstanceField(member: ts.ClassElement): member is ts.PropertyDeclaration {
  if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) {
    return false;
  }
  const hidden = [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword];
  return !(member.modifiers ?? []).some((m) => hidden.includes(m.kind));
}

function registerOutputsKeys(call: ts.CallExpression): string[] {
  const [outputs] = call.arguments;
  if (outputs === undefined || !ts.isObjectLiteralExpression(outputs)) {
    return ["..."];
  }
  return outputs.properties.map((p) =>
    (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && ts.isIdentifier(p.name)
      ? p.name.text
      : "...",
  );
}

function isRegisterOutputsCall(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.expression.kind === ts.SyntaxKind.ThisKeyword &&
    node.expression.name.text === "registerOutputs"
  );
}

function componentClass(node: ts.ClassDeclaration, source: ts.SourceFile): ComponentClass {
  const registerCalls: string[][] = [];
  const visit = (child: ts.Node): void => {
    if (isRegisterOutputsCall(child)) {
      registerCalls.push(registerOutputsKeys(child));
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  const last = node.members.find(ts.isConstructorDeclaration)?.body?.statements.at(-1);
  return {
    name: node.name?.text ?? "(anonymous)",
    file: relative(source),
    publicFields: node.members.filter(isPublicInstanceField).map((m) => (m.name as ts.Identifier).text),
    registerCalls,
    registersLast: last !== undefined && ts.isExpressionStatement(last) && isRegisterOutputsCall(last.expression),
  };
}

function argsFields(members: ts.NodeArray<ts.TypeElement>, prefix: string): ArgsField[] {
  return members.filter(ts.isPropertySignature).flatMap((member) => {
    const fieldPath = `${prefix}${member.name.getText()}`;
    const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    const field: ArgsField = {
      path: fieldPath,
      described: docs.some((d) => ts.getTextOfJSDocComment(d.comment)?.trim()),
      optional: member.questionToken !== undefined,
      documentedDefault: ts.getJSDocTags(member).some((t) => t.tagName.text === "default"),
    };
    const nested = member.type !== undefined && ts.isTypeLiteralNode(member.type) ? member.type.members : undefined;
    return nested === undefined ? [field] : [field, ...argsFields(nested, `${fieldPath}.`)];
  });
}

function scan(): { classes: ComponentClass[]; args: ArgsInterface[] } {
  const classes: ComponentClass[] = [];
  const args: ArgsInterface[] = [];
  for (const source of sourceFiles(path.join(projectDir, "components"))) {
    for (const statement of source.statements) {
      if (ts.isClassDeclaration(statement) && isComponentClass(statement)) {
        classes.push(componentClass(statement, source));
      }
      if (ts.isInterfaceDeclaration(statement) && statement.name.text.endsWith("Args")) {
        args.push({ name: statement.name.text, file: relative(source), fields: argsFields(statement.members, "") });
      }
    }
  }
  return { classes, args };
}

function missingOutputs(component: ComponentClass): string[] {
  const registered = new Set(component.registerCalls.flat());
  return component.publicFields.filter((field) => !registered.has(field));
}

function undocumented(args: ArgsInterface): string[] {
  return args.fields
    .filter((f) => !f.described || (f.optional && !f.documentedDefault))
    .map((f) => (f.described ? `${f.path} (optional, no @default)` : f.path));
}

describe("component conventions", () => {
  const { classes, args } = scan();

  it("finds every component class and args interface under components/", () => {
    const names = classes.map((c) => c.name);
    for (const known of ["KafkaCluster", "Neo4jCluster", "BillingDatabase", "ClientTenant", "GeneratedSecret"]) {
      assert.ok(names.includes(known), `${known} not found among ${names.join(", ")}`);
    }
    assert.ok(classes.length >= 14, `only ${classes.length} component classes found`);
    assert.ok(args.length >= 14, `only ${args.length} args interfaces found`);
  });

  describe("each ComponentResource registers every public output, once, at the end of its constructor", () => {
    for (const component of classes) {
      it(`${component.name} (${component.file})`, () => {
        assert.equal(component.registerCalls.length, 1, `${component.name} must call registerOutputs once`);
        assert.ok(component.registersLast, `${component.name} must call registerOutputs last in its constructor`);
        assert.ok(
          !(component.registerCalls[0] ?? []).includes("..."),
          `${component.name} must pass an object literal of named outputs to registerOutputs`,
        );
        assert.deepEqual(
          missingOutputs(component),
          [],
          `public fields of ${component.name} missing from its registerOutputs call`,
        );
      });
    }
  });

  describe("each args field has TSDoc, and an optional one its @default", () => {
    for (const argsInterface of args) {
      it(`${argsInterface.name} (${argsInterface.file})`, () => {
        assert.deepEqual(undocumented(argsInterface), []);
      });
    }
  });
});
