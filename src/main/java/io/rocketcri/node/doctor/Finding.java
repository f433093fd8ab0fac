package io.rocketcri.node.doctor;

/**
 * One preflight result. FAIL means the node cannot run pods until it is fixed; WARN means some
 * pods or features will not work.
 *
 * @param fix what the operator should do; empty when nothing is to be done
 */
public record Finding(Level level, String check, String detail, String fix) {

	public enum Level {

		OK, WARN, FAIL

	}

	static Finding ok(String check, String detail) {
		return new Finding(Level.OK, check, detail, "");
	}

	static Finding warn(String check, String detail, String fix) {
		return new Finding(Level.WARN, check, detail, fix);
	}

	static Finding fail(String check, String detail, String fix) {
		return new Finding(Level.FAIL, check, detail, fix);
	}

}
