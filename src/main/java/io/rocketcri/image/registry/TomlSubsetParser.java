package io.rocketcri.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of TOML that registries.conf files use: {@code [table]} and {@code [[array.of.tables]]}
 * headers, {@code key = value} with dotted or quoted keys, basic and literal strings, booleans,
 * integers, arrays (over several lines, with comments and a trailing comma) and inline tables
 * ({@code mirror = [{ location = "…" }]}), and {@code #} comments.
 *
 * <p>
 * Written here rather than pulled in as a dependency for one small file format. Not supported,
 * and reported as a syntax error when met: multi-line strings, floats, dates.
 *
 * <p>
 * The result is nested {@code Map<String, Object>} whose values are {@link String},
 * {@link Boolean}, {@link Long}, {@code List<Object>} or another map; an array of tables is a
 * {@code List} of maps.
 */
final class TomlSubsetParser {

	private final String text;

	private int pos;

	private int line = 1;

	private TomlSubsetParser(String text) {
		this.text = text;
	}

	/** @throws TomlSyntaxException naming the line and what was expected */
	static Map<String, Object> parse(String text) {
		return new TomlSubsetParser(text).document();
	}

	private Map<String, Object> document() {
		Map<String, Object> root = new LinkedHashMap<>();
		Map<String, Object> current = root;
		while (true) {
			skipBlankLinesAndComments();
			if (atEnd()) {
				return root;
			}
			if (peek() == '[') {
				current = header(root);
			}
			else {
				keyValue(current);
			}
			endOfLine();
		}
	}

	/** {@code [a.b]} or {@code [[a.b]]}: returns the table that following keys go into. */
	private Map<String, Object> header(Map<String, Object> root) {
		this.pos++;
		boolean arrayOfTables = peekIs('[');
		if (arrayOfTables) {
			this.pos++;
		}
		List<String> path = keyPath();
		expect(']');
		if (arrayOfTables) {
			expect(']');
		}
		Map<String, Object> parent = descend(root, path.subList(0, path.size() - 1));
		String last = path.getLast();
		Object existing = parent.get(last);
		if (arrayOfTables) {
			List<Object> list;
			if (existing == null) {
				list = new ArrayList<>();
				parent.put(last, list);
			}
			else if (existing instanceof List<?> l) {
				@SuppressWarnings("unchecked")
				List<Object> objects = (List<Object>) l;
				list = objects;
			}
			else {
				throw error("\"" + String.join(".", path) + "\" is already defined as a table or value");
			}
			Map<String, Object> table = new LinkedHashMap<>();
			list.add(table);
			return table;
		}
		if (existing == null) {
			Map<String, Object> table = new LinkedHashMap<>();
			parent.put(last, table);
			return table;
		}
		if (existing instanceof Map<?, ?> m) {
			@SuppressWarnings("unchecked")
			Map<String, Object> table = (Map<String, Object>) m;
			return table;
		}
		throw error("\"" + String.join(".", path) + "\" is already defined as a value");
	}

	/**
	 * Walks (creating as needed) the tables named by {@code path}; a name that is an array of
	 * tables means its last element, as TOML says for {@code [[registry.mirror]]}.
	 */
	private Map<String, Object> descend(Map<String, Object> from, List<String> path) {
		Map<String, Object> table = from;
		for (String key : path) {
			Object next = table.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
			if (next instanceof List<?> list && !list.isEmpty() && list.getLast() instanceof Map<?, ?> m) {
				next = m;
			}
			if (!(next instanceof Map<?, ?>)) {
				throw error("\"" + key + "\" is a value, not a table");
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> map = (Map<String, Object>) next;
			table = map;
		}
		return table;
	}

	private void keyValue(Map<String, Object> table) {
		List<String> path = keyPath();
		skipSpaces();
		expect('=');
		skipSpaces();
		Object value = value();
		Map<String, Object> target = descend(table, path.subList(0, path.size() - 1));
		if (target.putIfAbsent(path.getLast(), value) != null) {
			throw error("key \"" + String.join(".", path) + "\" is defined twice");
		}
	}

	private List<String> keyPath() {
		List<String> path = new ArrayList<>();
		while (true) {
			skipSpaces();
			path.add(key());
			skipSpaces();
			if (!peekIs('.')) {
				return path;
			}
			this.pos++;
		}
	}

	private String key() {
		if (peekIs('"')) {
			return basicString();
		}
		if (peekIs('\'')) {
			return literalString();
		}
		int start = this.pos;
		while (!atEnd() && isBareKeyChar(peek())) {
			this.pos++;
		}
		if (start == this.pos) {
			throw error("expected a key");
		}
		return this.text.substring(start, this.pos);
	}

	private static boolean isBareKeyChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
	}

	private Object value() {
		if (atEnd()) {
			throw error("expected a value");
		}
		char c = peek();
		if (c == '"') {
			if (this.text.startsWith("\"\"\"", this.pos)) {
				throw error("multi-line strings are not supported");
			}
			return basicString();
		}
		if (c == '\'') {
			if (this.text.startsWith("'''", this.pos)) {
				throw error("multi-line strings are not supported");
			}
			return literalString();
		}
		if (c == '[') {
			return array();
		}
		if (c == '{') {
			return inlineTable();
		}
		if (this.text.startsWith("true", this.pos) && !bareCharAt(this.pos + 4)) {
			this.pos += 4;
			return Boolean.TRUE;
		}
		if (this.text.startsWith("false", this.pos) && !bareCharAt(this.pos + 5)) {
			this.pos += 5;
			return Boolean.FALSE;
		}
		if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
			return integer();
		}
		throw error("expected a string, boolean, integer, array or inline table");
	}

	private boolean bareCharAt(int index) {
		return index < this.text.length() && isBareKeyChar(this.text.charAt(index));
	}

	private Long integer() {
		int start = this.pos;
		this.pos++;
		while (!atEnd() && (Character.isDigit(peek()) || peek() == '_')) {
			this.pos++;
		}
		try {
			return Long.parseLong(this.text.substring(start, this.pos).replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw error("\"" + this.text.substring(start, this.pos) + "\" is not an integer");
		}
	}

	private List<Object> array() {
		expect('[');
		List<Object> values = new ArrayList<>();
		while (true) {
			skipBlankLinesAndComments();
			if (peekIs(']')) {
				this.pos++;
				return values;
			}
			values.add(value());
			skipBlankLinesAndComments();
			if (peekIs(',')) {
				this.pos++;
			}
			else if (!peekIs(']')) {
				throw error("expected ',' or ']' in array");
			}
		}
	}

	private Map<String, Object> inlineTable() {
		expect('{');
		Map<String, Object> table = new LinkedHashMap<>();
		skipSpaces();
		if (peekIs('}')) {
			this.pos++;
			return table;
		}
		while (true) {
			keyValue(table);
			skipSpaces();
			if (peekIs('}')) {
				this.pos++;
				return table;
			}
			expect(',');
		}
	}

	private String basicString() {
		expect('"');
		StringBuilder value = new StringBuilder();
		while (true) {
			if (atEnd() || peek() == '\n') {
				throw error("unterminated string");
			}
			char c = this.text.charAt(this.pos++);
			if (c == '"') {
				return value.toString();
			}
			if (c != '\\') {
				value.append(c);
				continue;
			}
			if (atEnd()) {
				throw error("unterminated string");
			}
			char escaped = this.text.charAt(this.pos++);
			switch (escaped) {
				case '"' -> value.append('"');
				case '\\' -> value.append('\\');
				case 'n' -> value.append('\n');
				case 't' -> value.append('\t');
				case 'r' -> value.append('\r');
				case 'b' -> value.append('\b');
				case 'f' -> value.append('\f');
				case 'u' -> value.appendCodePoint(hex(4));
				case 'U' -> value.appendCodePoint(hex(8));
				default -> throw error("unknown escape \\" + escaped);
			}
		}
	}

	private int hex(int digits) {
		if (this.pos + digits > this.text.length()) {
			throw error("truncated unicode escape");
		}
		try {
			int codePoint = Integer.parseInt(this.text.substring(this.pos, this.pos + digits), 16);
			this.pos += digits;
			return codePoint;
		}
		catch (NumberFormatException ex) {
			throw error("bad unicode escape");
		}
	}

	private String literalString() {
		expect('\'');
		int end = this.text.indexOf('\'', this.pos);
		int newline = this.text.indexOf('\n', this.pos);
		if (end < 0 || (newline >= 0 && newline < end)) {
			throw error("unterminated string");
		}
		String value = this.text.substring(this.pos, end);
		this.pos = end + 1;
		return value;
	}

	/** After a header or a key/value pair only spaces and a comment may follow on the line. */
	private void endOfLine() {
		skipSpaces();
		skipComment();
		if (atEnd()) {
			return;
		}
		if (peek() == '\r') {
			this.pos++;
		}
		if (!peekIs('\n')) {
			throw error("expected the end of the line");
		}
		this.pos++;
		this.line++;
	}

	private void skipBlankLinesAndComments() {
		while (!atEnd()) {
			char c = peek();
			if (c == ' ' || c == '\t' || c == '\r') {
				this.pos++;
			}
			else if (c == '\n') {
				this.pos++;
				this.line++;
			}
			else if (c == '#') {
				skipComment();
			}
			else {
				return;
			}
		}
	}

	private void skipSpaces() {
		while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
			this.pos++;
		}
	}

	private void skipComment() {
		if (peekIs('#')) {
			while (!atEnd() && peek() != '\n') {
				this.pos++;
			}
		}
	}

	private void expect(char c) {
		if (!peekIs(c)) {
			throw error("expected '" + c + "'");
		}
		this.pos++;
	}

	private boolean atEnd() {
		return this.pos >= this.text.length();
	}

	private char peek() {
		return this.text.charAt(this.pos);
	}

	private boolean peekIs(char c) {
		return !atEnd() && peek() == c;
	}

	private TomlSyntaxException error(String what) {
		String found = atEnd() ? "end of file" : "'" + peek() + "'";
		return new TomlSyntaxException("line " + this.line + ": " + what + ", found " + found);
	}

	/** A registries.conf that is not the TOML we read; the message starts with the line number. */
	static final class TomlSyntaxException extends IllegalArgumentException {

		TomlSyntaxException(String message) {
			super(message);
		}

	}

}
