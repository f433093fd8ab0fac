package io.rocketcri.image.reference;

/**
 * An image reference that does not follow the docker reference grammar. The message quotes the
 * text as given and says what is wrong with it, so kubelet's event shows the operator what to fix.
 */
public class InvalidReferenceException extends IllegalArgumentException {

	private final String text;

	InvalidReferenceException(String text, String reason) {
		super("invalid image reference \"" + text + "\": " + reason);
		this.text = text;
	}

	/** The reference text as it was given. */
	public String text() {
		return this.text;
	}

}
