package io.rocketcri.engine.ns;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

class FakeNamespacePinnerTest extends NamespacePinnerContractTest {

	@TempDir
	Path dir;

	private FakeNamespacePinner pinner;

	@Override
	NamespacePinner pinner() {
		if (this.pinner == null) {
			this.pinner = new FakeNamespacePinner(this.dir);
		}
		return this.pinner;
	}

	@Override
	String podId(String name) {
		return "fake-" + name;
	}

}
