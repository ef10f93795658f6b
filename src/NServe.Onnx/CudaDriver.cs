using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace NServe.Onnx;

/// <summary>
/// Asks the NVIDIA driver (<c>libcuda.so.1</c>, driver API) which devices there are and how much memory each has.
/// The driver API creates no CUDA context, so asking costs no GPU memory; it is loaded at run time so the CPU
/// build and machines without a driver never need it.
/// </summary>
public static unsafe class CudaDriver
{
    public const string LibraryName = "libcuda.so.1";

    private const int Success = 0;

    /// <summary>Device <paramref name="deviceId"/>'s name and memory, or why it cannot be had.</summary>
    public static bool TryQuery(int deviceId, [NotNullWhen(true)] out CudaDeviceInfo? info, [NotNullWhen(false)] out string? error)
    {
        info = null;
        if (!NativeLibrary.TryLoad(LibraryName, out var library))
        {
            error = $"{LibraryName} (the NVIDIA driver) was not found: this machine has no NVIDIA driver, or the container was started without GPU access (docker run --gpus ...).";
            return false;
        }

        try
        {
            var init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(library, "cuInit");
            var getCount = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "cuDeviceGetCount");
            var getDevice = (delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(library, "cuDeviceGet");
            var totalMem = (delegate* unmanaged<nuint*, int, int>)NativeLibrary.GetExport(library, "cuDeviceTotalMem_v2");
            var getName = (delegate* unmanaged<byte*, int, int, int>)NativeLibrary.GetExport(library, "cuDeviceGetName");
            var errorName = (delegate* unmanaged<int, byte**, int>)NativeLibrary.GetExport(library, "cuGetErrorName");

            string Describe(string call, int result)
            {
                byte* name = null;
                var text = errorName(result, &name) == Success && name != null ? Marshal.PtrToStringUTF8((IntPtr)name) : null;
                return $"{call} failed with CUDA driver error {result}{(text is null ? "" : $" ({text})")}";
            }

            var result = init(0);
            if (result != Success)
            {
                error = $"the NVIDIA driver cannot be used: {Describe("cuInit", result)}.";
                return false;
            }

            int count;
            result = getCount(&count);
            if (result != Success || count == 0)
            {
                error = result != Success ? $"no CUDA device: {Describe("cuDeviceGetCount", result)}." : "the NVIDIA driver reports no CUDA device.";
                return false;
            }

            if (deviceId >= count)
            {
                error = $"cuda:{deviceId} does not exist: the driver reports {count} CUDA device(s), cuda:0 to cuda:{count - 1} (CUDA_VISIBLE_DEVICES narrows them).";
                return false;
            }

            int device;
            nuint bytes;
            var name = stackalloc byte[256];
            if ((result = getDevice(&device, deviceId)) != Success
                || (result = totalMem(&bytes, device)) != Success
                || (result = getName(name, 256, device)) != Success)
            {
                error = $"cuda:{deviceId} cannot be queried: {Describe("cuDeviceGet/cuDeviceTotalMem/cuDeviceGetName", result)}.";
                return false;
            }

            info = new CudaDeviceInfo(deviceId, Marshal.PtrToStringUTF8((IntPtr)name) ?? "", (long)bytes);
            error = null;
            return true;
        }
        catch (EntryPointNotFoundException e)
        {
            error = $"{LibraryName} is too old for the CUDA 13 runtime: {e.Message}";
            return false;
        }
    }
}
