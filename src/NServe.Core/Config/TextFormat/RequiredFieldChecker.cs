using System.Collections;
using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Finds proto2 <c>required</c> fields left unset, named by path as C++ FindInitializationErrors names
/// them (<c>a.b[0].c</c>). Types that cannot reach a required field (every proto3 type) are skipped
/// without walking the message.
/// </summary>
internal static class RequiredFieldChecker
{
    private static readonly ConcurrentDictionary<MessageDescriptor, bool> CanReachRequired = new();

    public static List<string> FindMissing(IMessage message)
    {
        var missing = new List<string>();
        if (MayHaveRequired(message.Descriptor))
        {
            Collect(message, string.Empty, missing);
        }

        return missing;
    }

    private static bool MayHaveRequired(MessageDescriptor root) =>
        CanReachRequired.GetOrAdd(root, static r =>
        {
            var seen = new HashSet<MessageDescriptor> { r };
            var pending = new Stack<MessageDescriptor>();
            pending.Push(r);
            while (pending.Count > 0)
            {
                foreach (FieldDescriptor field in pending.Pop().Fields.InFieldNumberOrder())
                {
                    if (field.IsRequired)
                    {
                        return true;
                    }

                    if (field.FieldType is FieldType.Message or FieldType.Group && seen.Add(field.MessageType))
                    {
                        pending.Push(field.MessageType);
                    }
                }
            }

            return false;
        });

    private static void Collect(IMessage message, string prefix, List<string> missing)
    {
        foreach (FieldDescriptor field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRequired && !field.Accessor.HasValue(message))
            {
                missing.Add(prefix + field.Name);
            }

            if (field.FieldType is not (FieldType.Message or FieldType.Group) || WrapperTypes.IsWrapper(field.MessageType)
                || !MayHaveRequired(field.MessageType))
            {
                continue;
            }

            object? value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                int index = 0;
                foreach (DictionaryEntry entry in (IDictionary)value!)
                {
                    if (entry.Value is IMessage child)
                    {
                        Collect(child, $"{prefix}{field.Name}[{index}].value.", missing);
                    }

                    index++;
                }
            }
            else if (field.IsRepeated)
            {
                int index = 0;
                foreach (object? item in (IList)value!)
                {
                    Collect((IMessage)item!, $"{prefix}{field.Name}[{index}].", missing);
                    index++;
                }
            }
            else if (value is IMessage child)
            {
                Collect(child, $"{prefix}{field.Name}.", missing);
            }
        }
    }
}
