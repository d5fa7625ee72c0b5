/**
 * User-defined functions (`let f = (x:long, y:long = 10) { x + y };`): a scalar call compiles the body
 * with the parameters bound to the compiled arguments; a tabular call (`g(400) | count`) evaluates the
 * body with the parameters bound as constants.
 */
import { KqlError } from '../errors';
import { kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import type { Compiled, Ctx } from '../compile/context';

export interface UserFunction {
  name: string;
  params: { name: string; default: SyntaxNode | null }[];
  body: SyntaxNode;
}

/** The parameters and body expression of a FunctionDeclaration. */
export function declareFunction(name: string, decl: SyntaxNode): UserFunction {
  const [paramList, bodyNode] = nodes(decl);
  const params = nodes(paramList).map((p) => {
    const [nt, dflt] = nodes(p);
    if (kindOf(nt) !== 'NameAndTypeDeclaration')
      throw new KqlError(
        'unsupported',
        `The parameter '${textOf(p)}' of '${name}' is not supported by the embedded KQL engine (tabular parameters).`,
      );
    const [declName, type] = nodes(nt);
    if (kindOf(type) !== 'PrimitiveTypeExpression')
      throw new KqlError(
        'unsupported',
        `The parameter '${textOf(p)}' of '${name}' is not supported by the embedded KQL engine (tabular parameters).`,
      );
    return { name: simpleName(declName), default: dflt ? nodes(dflt)[0] : null };
  });
  const inner = nodes(bodyNode);
  if (inner.length !== 1)
    throw new KqlError(
      'unsupported',
      `The body of '${name}' has let statements; the embedded KQL engine supports a single expression.`,
    );
  return { name, params, body: inner[0] };
}

/** Arguments in parameter order, defaults filled in; `compile` turns each into a value. */
export function bindArguments<T>(f: UserFunction, args: SyntaxNode[], compile: (n: SyntaxNode) => T): Map<string, T> {
  if (args.length > f.params.length)
    throw new KqlError('semantic', `'${f.name}' takes ${f.params.length} arguments; ${args.length} were given.`);
  const out = new Map<string, T>();
  f.params.forEach((p, k) => {
    const a = args[k] ?? p.default;
    if (!a) throw new KqlError('semantic', `'${f.name}' needs a value for its parameter '${p.name}'.`);
    out.set(p.name, compile(a));
  });
  return out;
}

/** A scalar call: the body compiled with each parameter standing for its compiled argument. */
export function callUserFunction(
  f: UserFunction,
  args: SyntaxNode[],
  ctx: Ctx,
  compile: (n: SyntaxNode, c: Ctx) => Compiled,
): Compiled {
  const locals = bindArguments(f, args, (a) => compile(a, ctx));
  return compile(f.body, { ...ctx, locals });
}
