namespace NServe.Bench.Chaos;

/// <summary>Decides whether an answer is right for what was asked, and whether an error was one the faults explain.</summary>
public sealed class AnswerJudge(ChaosLedger ledger)
{
    /// <summary>Null when the answer is right; otherwise what is wrong with it.</summary>
    public string? JudgeAnswer(ChaosTarget target, float[] inputs, float[] outputs, long? reportedVersion, double sentAt, double receivedAt)
    {
        var version = VersionModels.VersionOf(inputs, outputs);
        if (version is not { } v)
        {
            return $"{target}: [{string.Join(", ", outputs)}] for [{string.Join(", ", inputs)}] fits no version";
        }

        if (target.Model != ChaosTarget.ChaosModel)
        {
            var expected = target.Model == ChaosTarget.SavedModel ? 3 : 2;
            return v == expected ? null : $"{target}: answered as y = 0.5x + {v}, expected + {expected}";
        }

        if (reportedVersion is { } reported && reported != v)
        {
            return $"{target}: response says version {reported} but the numbers are version {v}'s";
        }

        if (!ledger.MayAnswer(v, sentAt))
        {
            return $"{target}: answered by version {v}, whose files were not complete (or were corrupt) when the request was sent";
        }

        if (target.Version is { } wanted && wanted != v)
        {
            return $"{target}: answered by version {v}";
        }

        if (target.Label is { } label && !ledger.LabelTargets(label, sentAt, receivedAt).Contains(v))
        {
            return $"{target}: answered by version {v}, which the label never named around that time";
        }

        return null;
    }

    /// <summary>The reason a NOT_FOUND was expected, or null when nothing the driver did explains it.</summary>
    public string? ExpectedNotFound(ChaosTarget target, double sentAt, double receivedAt)
    {
        if (target.Model == ChaosTarget.ExtraModel)
        {
            return ledger.ExtraMayBeAbsent(sentAt, receivedAt) ? "extra model left the config" : null;
        }

        if (target.Model != ChaosTarget.ChaosModel)
        {
            return null;
        }

        if (target.Version is { } version)
        {
            return ledger.WasDeletedBy(version, receivedAt) ? "named version was deleted" : null;
        }

        if (target.Label is { } label)
        {
            return ledger.LabelTargets(label, sentAt, receivedAt).Any(v => ledger.WasDeletedBy(v, receivedAt))
                ? "label names a deleted version"
                : null;
        }

        return null;
    }
}
