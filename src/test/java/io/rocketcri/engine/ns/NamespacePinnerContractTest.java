package io.rocketcri.engine.ns;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link NamespacePinner} does, the real one and the fake alike. */
abstract class NamespacePinnerContractTest {

	/** What {@link NamespacePinner#pin} takes; USER comes only through pinInUserNamespace. */
	static final Set<NamespaceType> ALL = EnumSet.of(NamespaceType.NET, NamespaceType.IPC, NamespaceType.UTS);

	abstract NamespacePinner pinner();

	/** A pod id no other test (or concurrent test run) uses. */
	abstract String podId(String name);

	@AfterEach
	void unpinLeftovers() throws IOException {
		for (String id : pinner().pinnedPodIds()) {
			if (id.startsWith(podId(""))) {
				PinnedNamespaces found = pinner().find(id).orElse(null);
				if (found != null) {
					pinner().unpin(found);
				}
			}
		}
	}

	@Test
	void pinGivesOneExistingFilePerRequestedType() throws IOException {
		PinnedNamespaces pinned = pinner().pin(podId("a"), EnumSet.of(NamespaceType.NET, NamespaceType.UTS), "pod-a");

		assertThat(pinned.podId()).isEqualTo(podId("a"));
		assertThat(pinned.paths()).containsOnlyKeys(NamespaceType.NET, NamespaceType.UTS);
		assertThat(pinned.path(NamespaceType.IPC)).isEmpty();
		assertThat(pinned.paths().values()).allSatisfy(p -> assertThat(p).exists());
		assertThat(pinned.paths().values()).doesNotHaveDuplicates();
	}

	@Test
	void aUserNamespacePinComesWithTheOthersAndGoesWithThem() throws IOException {
		IdMapping ids = new IdMapping(0, 300000, 65536);
		PinnedNamespaces pinned = pinner().pinInUserNamespace(podId("u"), ALL, "pod-u", ids, ids);

		assertThat(pinned.paths()).containsOnlyKeys(NamespaceType.NET, NamespaceType.IPC, NamespaceType.UTS,
				NamespaceType.USER);
		assertThat(pinner().find(podId("u"))).hasValue(pinned);
		pinner().unpin(pinned);
		assertThat(pinner().find(podId("u"))).isEmpty();
		assertThat(pinned.paths().values()).allSatisfy(p -> assertThat(p).doesNotExist());
	}

	@Test
	void findAnswersWhatIsPinned() throws IOException {
		PinnedNamespaces pinned = pinner().pin(podId("b"), ALL, "pod-b");

		assertThat(pinner().find(podId("b"))).hasValue(pinned);
		assertThat(pinner().pinnedPodIds()).contains(podId("b"));
		assertThat(pinner().find(podId("never"))).isEmpty();
	}

	@Test
	void pinningTwiceFails() throws IOException {
		PinnedNamespaces first = pinner().pin(podId("c"), ALL, "pod-c");

		assertThatThrownBy(() -> pinner().pin(podId("c"), ALL, "pod-c"))
			.isInstanceOf(FileAlreadyExistsException.class)
			.hasMessageContaining(podId("c"));
		assertThat(pinner().find(podId("c"))).hasValue(first);
	}

	@Test
	void unpinRemovesTheFilesAndMayBeRepeated() throws IOException {
		PinnedNamespaces pinned = pinner().pin(podId("d"), ALL, "pod-d");

		pinner().unpin(pinned);
		pinner().unpin(pinned);

		assertThat(pinned.paths().values()).allSatisfy(p -> assertThat(p).doesNotExist());
		assertThat(pinner().find(podId("d"))).isEmpty();
		assertThat(pinner().pinnedPodIds()).doesNotContain(podId("d"));
	}

	@Test
	void unpinWorksWhenTheFilesAreAlreadyGone() throws IOException {
		PinnedNamespaces pinned = pinner().pin(podId("e"), ALL, "pod-e");
		pinner().unpin(pinned);
		for (Path p : pinned.paths().values()) {
			assertThat(Files.exists(p)).isFalse();
		}

		pinner().unpin(pinned);
	}

	@Test
	void aPodCanBePinnedAgainAfterUnpin() throws IOException {
		pinner().unpin(pinner().pin(podId("f"), ALL, "pod-f"));

		assertThat(pinner().pin(podId("f"), ALL, "pod-f").paths()).hasSize(3);
	}

	@Test
	void noTypesPinNothing() throws IOException {
		assertThat(pinner().pin(podId("g"), Set.of(), "pod-g").paths()).isEmpty();
		assertThat(pinner().find(podId("g"))).isEmpty();
	}

	@Test
	void podIdsThatAreNoFileNameAreRejected() {
		for (String bad : new String[] { "../x", "a/b", "", ".hidden", "-x" }) {
			assertThatThrownBy(() -> pinner().pin(bad, ALL, "h")).isInstanceOf(IllegalArgumentException.class);
		}
	}

}
